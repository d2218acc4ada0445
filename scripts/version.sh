#!/usr/bin/env bash
# Prints the library's version (LibraryVersion, which ofn_version() returns), "MAJOR.MINOR.PATCH".
set -euo pipefail
cd "$(dirname "$0")/.."
sed -nE 's/^ *public static let string: StaticString = "([0-9]+\.[0-9]+\.[0-9]+)".*/\1/p' Sources/OFTransport/UserAgent.swift
