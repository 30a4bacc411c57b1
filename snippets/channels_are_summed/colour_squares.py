"""Images of coloured squares, and a one-filter model that learns which colour is which."""

import numpy as np
from tensorflow import keras

COLOURS = ["red", "green", "blue"]


def squares(count: int, yes: int, no: int, rng: np.random.Generator):
    """Images 12 x 12 x 3 with one 4 x 4 square in channel `yes` (label 1) or `no` (0)."""
    images = np.zeros((count, 12, 12, 3), dtype="float32")
    labels = rng.integers(0, 2, size=count)
    for image, label in zip(images, labels, strict=True):
        top, left = rng.integers(0, 9, size=2)
        image[top : top + 4, left : left + 4, yes if label else no] = 1
    return images, labels.astype("float32")


def train_one_filter(yes: int, no: int, seed: int = 0):
    """Train Conv2D(1, 3) to say 1 for squares in channel `yes`.

    The model is the filter, its strongest response anywhere (GlobalMaxPooling2D) and a
    sigmoid. Returns the model, its accuracy on 200 new images and the filter's weights
    before training, shape (3, 3, 3).
    """
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    model = keras.Sequential(
        [
            keras.Input((12, 12, 3)),
            keras.layers.Conv2D(1, 3),  # one filter: three 3x3 slices, for R, G and B
            keras.layers.GlobalMaxPooling2D(),
            keras.layers.Activation("sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    images, labels = squares(256, yes, no, rng)
    start = model.layers[0].get_weights()[0][:, :, :, 0]
    model.fit(images, labels, epochs=15, batch_size=32, verbose=0)
    test_images, test_labels = squares(200, yes, no, rng)
    predicted = model.predict(test_images, verbose=0)[:, 0] > 0.5
    return model, float(np.mean(predicted == test_labels)), start
