"""lithops.version: the Lithops version whose API oraclefn.lithops follows."""
__version__ = "3.8.0"
