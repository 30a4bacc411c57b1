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
