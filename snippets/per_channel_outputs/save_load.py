"""SharedKernelConv2D in a Sequential model: save to a .keras file and load it back."""

import tempfile
from pathlib import Path

import keras
import numpy as np
from shared_conv import SharedKernelConv2D

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [keras.Input(shape=(8, 8, 4)), SharedKernelConv2D(4, 3, padding="same", activation="relu")]
)
x = np.random.default_rng(0).normal(size=(2, 8, 8, 4)).astype("float32")

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "m.keras"
    model.save(path)
    restored = keras.models.load_model(path)  # finds the class: importing shared_conv registered it

layer = restored.layers[0]
config = layer.get_config()
print("registered as:", keras.saving.get_registered_name(SharedKernelConv2D))
print("restored:", type(layer).__name__, {key: config[key] for key in ("filters", "padding")})
same_weights = all(map(np.array_equal, model.get_weights(), restored.get_weights()))
print("same weights:", same_weights)
print("same outputs:", np.array_equal(model(x), restored(x)))
