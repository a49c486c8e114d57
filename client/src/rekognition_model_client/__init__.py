"""For the bakery checkout: read a store's model handle and detect labels with it."""

from rekognition_model_client.client import (
    DEFAULT_CACHE_SECONDS,
    HandleNotFoundError,
    Label,
    ModelClient,
    ModelNotRunningError,
    S3Image,
)
from rekognition_model_client.handle import HandleError, ModelHandle, parameter_name

__all__ = [
    "DEFAULT_CACHE_SECONDS",
    "HandleError",
    "HandleNotFoundError",
    "Label",
    "ModelClient",
    "ModelHandle",
    "ModelNotRunningError",
    "S3Image",
    "parameter_name",
]
