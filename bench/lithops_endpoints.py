"""Points Lithops 3.8.0's own oracle_f and oracle_oss backends at the `endpoint` of their configuration sections.

A benchmark harness shim, not part of oraclefn: Lithops builds its oci clients (FunctionsManagementClient,
ObjectStorageClient, IdentityClient) from the configuration section alone, with no `service_endpoint`, so they
always reach the region's public endpoints. bench/lithops_bench.py runs Lithops against the local emulator, so
this module replaces those names in Lithops' two backend modules with factories that add
`service_endpoint=<section's endpoint>` (the key oraclefn reads from the same sections). Nothing else of Lithops
changes: its invoke client already takes the function's invokeEndpoint, which the emulator sets to its own URL.
Both the benchmark's Lithops client and Lithops' worker under the emulator (bench/lithops_worker.py) call it.
"""
#: the oci client names each Lithops backend module imported, and builds its clients through
CLIENTS_BY_MODULE = {
    "lithops.serverless.backends.oracle_f.oracle_f": ("FunctionsManagementClient", "ObjectStorageClient",
                                                       "IdentityClient"),
    "lithops.storage.backends.oracle_oss.oracle_oss": ("ObjectStorageClient",),
}


def point_lithops_at_configured_endpoints():
    """Makes every oci client Lithops' Oracle backends build use its configuration's `endpoint`, when it has one."""
    import importlib

    for module_name, names in CLIENTS_BY_MODULE.items():
        module = importlib.import_module(module_name)
        for name in names:
            client_class = getattr(module, name)
            if not getattr(client_class, "_bench_endpoint_shim", False):
                setattr(module, name, _honouring_endpoint(client_class))


def _honouring_endpoint(client_class):
    def make(config, **kwargs):
        if config.get("endpoint") and "service_endpoint" not in kwargs:
            kwargs["service_endpoint"] = config["endpoint"]
        return client_class(config, **kwargs)

    make._bench_endpoint_shim = True
    return make
