#!/usr/bin/env python3
"""Writes include/oraclefn_api.h, the C API as C programmers read it, from the declarations the Swift compiler
emits for the library's @c exports (include/oraclefn_generated.h, kept as the cross-check).

The compiler's header passes every handle as void *, names parameters in camelCase and sorts functions
alphabetically. This one gives each handle its own type (so an engine passed where a configuration is expected
does not compile), names parameters as the documentation does, groups the calls by object in lifecycle order
(new, use, free) and states at each declaration who owns what its out-parameter receives.

    scripts/gen-header.py [GENERATED_HEADER] [--check]

--check compares instead of writing, and fails when the committed file is stale.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
GENERATED = ROOT / "include" / "oraclefn_generated.h"
API = ROOT / "include" / "oraclefn_api.h"

HANDLES = ["config", "session", "signer", "engine", "job", "storage", "functions", "logs"]

# Each group: a title, and its calls in the order a program makes them.
GROUPS = [
    ("The library", ["ofn_version", "ofn_status_str"]),
    ("Errors: why the calling thread's last call failed", ["ofn_error_last", "ofn_error_clear"]),
    ("Buffers the library fills", ["ofn_buf_dispose"]),
    ("Configuration", ["ofn_config_load", "ofn_config_parse", "ofn_config_locate", "ofn_config_to_json",
                       "ofn_config_free"]),
    ("Sessions: a configuration's credentials and connections", ["ofn_session_new", "ofn_session_free"]),
    ("Request signing", ["ofn_signer_new", "ofn_signer_from_config", "ofn_signer_sign", "ofn_signer_free"]),
    ("Engines and map jobs", ["ofn_engine_new", "ofn_job_submit", "ofn_job_attach", "ofn_job_wait",
                              "ofn_job_progress", "ofn_job_id", "ofn_job_error", "ofn_job_result",
                              "ofn_job_call_json", "ofn_job_stats_json", "ofn_job_cancel", "ofn_job_free",
                              "ofn_hello", "ofn_engine_free"]),
    ("Object Storage", ["ofn_storage_new", "ofn_storage_namespace", "ofn_storage_create_bucket", "ofn_storage_put",
                        "ofn_storage_put_file", "ofn_storage_put_fd", "ofn_storage_get", "ofn_storage_get_file",
                        "ofn_storage_get_fd", "ofn_storage_head", "ofn_storage_list",
                        "ofn_storage_delete", "ofn_storage_delete_many", "ofn_storage_free"]),
    ("Oracle Functions", ["ofn_functions_new", "ofn_functions_list_applications", "ofn_functions_list_functions",
                          "ofn_functions_is_emulator", "ofn_functions_ensure_application",
                          "ofn_functions_deploy_function", "ofn_functions_invoke", "ofn_functions_invoke_detached",
                          "ofn_functions_free"]),
    ("Runtimes, as `oraclefn runtime` deploys them", ["ofn_runtime_resolve", "ofn_runtime_deploy", "ofn_runtime_list",
                                                      "ofn_runtime_delete"]),
    ("The functions' logs", ["ofn_logs_open", "ofn_logs_next", "ofn_logs_free"]),
]

# What the `out` handle of a constructor is.
OUT_HANDLES = {
    "ofn_config_load": "config", "ofn_config_parse": "config", "ofn_session_new": "session",
    "ofn_signer_new": "signer", "ofn_signer_from_config": "signer", "ofn_engine_new": "engine",
    "ofn_job_submit": "job", "ofn_job_attach": "job", "ofn_storage_new": "storage", "ofn_functions_new": "functions",
    "ofn_logs_open": "logs",
}

DECLARATION = re.compile(r"^SWIFT_EXTERN (?P<result>.+?)\b(?P<name>ofn_\w+)\((?P<params>.*)\) SWIFT_NOEXCEPT(?P<rest>.*);$")


def snake(name):
    name = name.rstrip("_")
    name = name.replace("JSON", "Json")
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def c_type(text):
    """A compiler type without nullability, written as C programmers write it."""
    text = re.sub(r"\s*_Null(able|_unspecified)|\s*_Nonnull", "", text).strip()
    text = re.sub(r"^(\w+) const \*", r"const \1 *", text)
    return text


def parameter(function, text):
    if text == "void":
        return "void"
    match = re.match(r"^(?P<type>.*?)(?P<name>\w+)$", text.strip())
    kind, name = match.group("type").strip(), snake(match.group("name"))
    if re.fullmatch(r"void \* _Nullable \* _Nullable", kind):
        handle = OUT_HANDLES.get(function)
        if handle is None:
            sys.exit(f"gen-header.py: {function} has a handle out-parameter; name its handle in OUT_HANDLES")
        return f"ofn_{handle} **{name}"
    if re.fullmatch(r"void \* _Nullable", kind) and name in HANDLES:
        return f"ofn_{name} *{name}"
    kind = c_type(kind)
    return f"{kind}{'' if kind.endswith('*') else ' '}{name}"


def plain(text):
    """A doc line as the compiler wrote it, back in plain ASCII: `code` for <code>, straight quotes."""
    text = re.sub(r"</?code>", "`", text)
    for fancy, straight in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'")):
        text = text.replace(fancy, straight)
    return text


def ownership(function, params):
    """The sentence that says who owns what the function hands back."""
    notes = []
    if function.endswith("_free") or function == "ofn_buf_dispose":
        return [] if function == "ofn_buf_dispose" else ["NULL is ignored, and so are a freed handle and a handle of another kind."]
    if function in OUT_HANDLES:
        handle = OUT_HANDLES[function]
        notes.append(f"On OFN_OK *out is a new ofn_{handle}, the caller's: free it with ofn_{handle}_free(); "
                     "on an error it is NULL.")
    elif params and params[0] == "ofn_buf *out":
        notes.append("On OFN_OK `out` holds bytes the caller releases with ofn_buf_dispose(); on an error it is left "
                     "empty.")
    return notes


def read_declarations(text):
    """{name: (doc lines, result type, [parameters], warn_unused)} in the compiler's order."""
    declarations = {}
    doc = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("///"):
            doc.append(stripped[3:].strip())
            continue
        match = DECLARATION.match(stripped)
        if match:
            name = match.group("name")
            params = [parameter(name, p) for p in split_parameters(match.group("params"))]
            result = c_type(match.group("result"))
            declarations[name] = (doc, result, params, "SWIFT_WARN_UNUSED_RESULT" in match.group("rest"))
        doc = [] if not stripped.startswith("///") else doc
    return declarations


def split_parameters(text):
    return [p.strip() for p in text.split(",")] if text.strip() else ["void"]


def render(declarations):
    listed = [name for _, names in GROUPS for name in names]
    missing = sorted(set(declarations) - set(listed))
    gone = sorted(set(listed) - set(declarations))
    if missing or gone:
        sys.exit(f"gen-header.py: exports not placed in a group: {missing}; placed but not exported: {gone}")
    lines = [
        "/*",
        " * oraclefn_api.h - the functions of liboraclefn.so, with typed handles.",
        " *",
        " * Generated by scripts/gen-header.py from the declarations the Swift compiler emits for the library's",
        " * exports (oraclefn_generated.h, kept to check this one against); do not edit. Include oraclefn.h.",
        " */",
        "#ifndef ORACLEFN_API_H",
        "#define ORACLEFN_API_H",
        "",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
        '#include "oraclefn_types.h"',
        "",
        "#ifdef __cplusplus",
        'extern "C" {',
        "#endif",
        "",
        "#if defined(__GNUC__) || defined(__clang__)",
        "#  define OFN_WARN_UNUSED __attribute__((warn_unused_result))",
        "#else",
        "#  define OFN_WARN_UNUSED",
        "#endif",
    ]
    for title, names in GROUPS:
        lines += ["", f"/* ---- {title} ---- */"]
        for name in names:
            doc, result, params, warn = declarations[name]
            lines.append("")
            for text in [plain(line) for line in doc] + ownership(name, params):
                lines.append(f"/// {text}".rstrip())
            space = "" if result.endswith("*") else " "
            lines.append(f"extern {result}{space}{name}({', '.join(params)}){' OFN_WARN_UNUSED' if warn else ''};")
    lines += ["", "#ifdef __cplusplus", "}", "#endif", "", "#endif /* ORACLEFN_API_H */", ""]
    return "\n".join(lines)


def main(arguments):
    check = "--check" in arguments
    sources = [a for a in arguments if not a.startswith("--")]
    generated = pathlib.Path(sources[0]) if sources else GENERATED
    text = render(read_declarations(generated.read_text()))
    if check:
        if API.read_text() != text:
            print("FAIL: include/oraclefn_api.h is stale; run scripts/gen-header.sh")
            return 1
        return 0
    API.write_text(text)
    print(f"wrote {API.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
