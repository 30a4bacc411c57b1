/* The calculator's error messages, by kind, and the words of Keras' own message for each.
 * Everything after "=" is JSON: the tests read this file to sort Keras' errors into the
 * same kinds and to check that each quoted phrase is Keras' wording.
 *   keras: phrases, one of which Keras' message contains (the first is quoted on the page);
 *   text:  the page's explanation, with {names} filled in by the calculator.
 */
window.calculatorErrors = {
  "size": {
    "keras": ["Computed output size would be zero or negative"],
    "text": "Keras raises ValueError (\"{quote}\"): with padding 'valid', a {window} window does not fit in a {input} input. Use padding 'same', a smaller window, or fewer layers that shrink the input."
  },
  "size-tf": {
    "keras": ["Negative dimension size"],
    "text": "Keras raises ValueError (\"{quote}\"): with padding 'valid', a {window} window does not fit in a {input} input. Use padding 'same', a smaller window, or fewer layers that shrink the input."
  },
  "ndim": {
    "keras": ["expected ndim=", "expected min_ndim=", "Kernel shape must have the same length as input"],
    "text": "Keras raises ValueError (\"{quote}\"): {type} needs a {rank}-D input ({axes}), but its input {shape} is {found}-D. {hint}",
    "hints": {
      "lost": "Move the layer before Flatten or global pooling, or remove those.",
      "other": "Use a layer made for the input's axes (a 1D layer for a sequence, 2D for an image, 3D for a volume), or Reshape the input first."
    }
  },
  "padding-created": {
    "keras": ["The `padding` argument must be a list/tuple or one of"],
    "text": "Keras raises ValueError when the layer is created (\"{quote}\"): {type} takes padding 'valid' or 'same'. Only Conv1D takes 'causal', which pads a sequence at its start so that no output reads a later step."
  },
  "padding-called": {
    "keras": ["must be either 'valid' or 'same'"],
    "text": "Keras raises ValueError when the layer is called (\"{quote}\"): {type} takes padding 'valid' or 'same'. Only Conv1D takes 'causal'."
  },
  "groups-channels": {
    "keras": ["input channels must be evenly divisible"],
    "text": "Keras raises ValueError (\"{quote}\"): the {channels} input channels cannot be split into {groups} equal groups; groups must divide the number of input channels."
  },
  "groups-filters": {
    "keras": ["number of filters must be evenly divisible"],
    "text": "Keras raises ValueError when the layer is created (\"{quote}\"): filters ({filters}) must be a multiple of groups ({groups})."
  },
  "dilation-strides": {
    "keras": ["not supported in conjunction with `dilation_rate > 1`"],
    "text": "Keras raises ValueError when the layer is created (\"{quote}\"): {type} takes strides above 1 or dilation_rate above 1, not both."
  },
  "reshape": {
    "keras": ["The total size of the tensor must be unchanged"],
    "text": "Keras raises ValueError (\"{quote}\"): the input {input} holds {total} values per example, which target_shape ({target}) cannot hold. Change target_shape, or write -1 for one axis to have it computed."
  },
  "undefined": {
    "keras": ["Shapes used to initialize variables must be fully-defined"],
    "text": "Keras raises ValueError (\"{quote}\"): {type} makes one weight per value of the last axis of {shape}, whose size is None. Give the input a size, or use global pooling instead of Flatten."
  },
  "entry": {
    "keras": [],
    "text": "Enter a number from {least} upward for {field}."
  },
  "address": {
    "keras": [],
    "text": "Not understood in the address: {parts}. The model below leaves them out."
  },
  "address-input": {
    "keras": [],
    "text": "The address's {part} is not a shape: write input=HEIGHTxWIDTHxCHANNELS for an image, for example input=150x150x3 (NonexNonex3 for any height and width), LENGTHxCHANNELS for a sequence (input=100x8) or DEPTHxHEIGHTxWIDTHxCHANNELS for a volume (input=16x64x64x1). The model below starts from {shape} instead."
  }
};
