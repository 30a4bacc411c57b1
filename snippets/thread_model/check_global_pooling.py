"""GlobalAveragePooling2D after 128 feature maps, then Dense(512): the Dense layer's count."""

from tensorflow import keras

model = keras.Sequential(
    [
        keras.Input((17, 17, 128)),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(512),
    ]
)
inputs, units = model.layers[0].output.shape[-1], model.layers[1].units
parameters = model.count_params()
print("pooled:", model.layers[0].output.shape, end=", ")
print(f"Dense: {inputs}*{units} + {units} = {parameters:,} parameters")
