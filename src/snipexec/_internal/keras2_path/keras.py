"""`import keras` as a Keras 2 installation answers it: with Keras 2 (here, tf-keras).

The `keras2` variant puts this folder first on `PYTHONPATH`, so a snippet that imports
`keras` gets Keras 2, and one that needs Keras 3 fails as it would for a Keras 2 reader.
"""

import sys

import tf_keras

sys.modules[__name__] = tf_keras
