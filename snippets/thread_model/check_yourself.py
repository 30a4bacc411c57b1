"""The thread's model on 300 x 300 x 3 images: which numbers of the summary change."""

from tensorflow import keras

layers = keras.layers
model = keras.Sequential(
    [
        keras.Input((300, 300, 3)),
        layers.Conv2D(16, (3, 3), activation="relu"),
        layers.MaxPooling2D(2, 2),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D(2, 2),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D(2, 2),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
for layer in model.layers:
    print(f"{layer.name:<16}{tuple(layer.output.shape)!s:<22}{layer.count_params():>12,}")

# Named, for the answer above the run.
sides = tuple(layer.output.shape[1] for layer in model.layers[:6])  # Conv2D and pooling
last_side, flattened = sides[-1], model.layers[6].output.shape[-1]
dense = model.layers[7].count_params()
first_conv, second_conv, third_conv = (model.layers[i].count_params() for i in (0, 2, 4))
