"""Code that travels by value inside a job's pickle (the executor registers this module with cloudpickle while
it pickles a job), so that the worker needs nothing of it installed: a runtime image carries the worker only.

Keep it self-contained: no imports of oraclefn, and standard library imports inside the functions.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Callable, Mapping


class WithEnvironment:
    """The job's function, called with extra environment variables set (Lithops' `extra_env`) and restored
    after. It reads as the function it wraps (name, signature, `__wrapped__`), so the worker injects the
    parameters that function asks for (storage, id, obj)."""

    def __init__(self, function: Callable[..., Any], environment: Mapping[str, object]) -> None:
        import functools

        self.function = function
        self.environment = {str(key): str(value) for key, value in dict(environment).items()}
        functools.update_wrapper(self, function)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import os

        saved = {key: os.environ.get(key) for key in self.environment}
        os.environ.update(self.environment)
        try:
            return self.function(*args, **kwargs)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
