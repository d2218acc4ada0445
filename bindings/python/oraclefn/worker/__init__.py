"""The oraclefn worker: runs the calls of a job inside an Oracle Function (docs/protocol.md).

`python -m oraclefn.worker` serves it through the fdk. It uses the standard library, cloudpickle, the oci SDK and
the fdk, and nothing else of oraclefn, so a runtime image needs no liboraclefn.so, unless a function asks for the
`storage` parameter or reads an `obj` partition: those are an oraclefn.Storage (inject.py).
"""
