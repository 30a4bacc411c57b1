"""The same training with green squares as the "yes" class: which slice wins now?"""

import numpy as np
from colour_squares import COLOURS, train_one_filter

model, accuracy, _ = train_one_filter(yes=1, no=2)  # green squares say 1, blue squares 0
totals = model.layers[0].get_weights()[0][:, :, :, 0].sum(axis=(0, 1))
print("more than 95% right:", accuracy > 0.95)
print("slice with the largest sum:", COLOURS[int(np.argmax(totals))])
