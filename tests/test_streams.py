from snipexec import without_startup_lines

STARTUP = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1795600109.303510    2257 port.cc:153] oneDNN custom operations are on. You may see \
slightly different numerical results due to floating-point round-off errors from different \
computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.
I0000 00:00:1795600109.337081    2257 cpu_feature_guard.cc:227] This TensorFlow binary is \
optimized to use available CPU instructions in performance-critical operations.
To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow \
with the appropriate compiler flags.
2024-03-01 10:00:00.123456: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.
I0000 00:00:1795601751.306167   11326 service.cc:153] XLA service 0x5581e0c0 initialized for \
platform Host (this does not guarantee that XLA will be used). Devices:
I0000 00:00:1795601751.306200   11326 service.cc:161]   StreamExecutor device (0): Host, Default
I0000 00:00:1795601751.4   11326 device_compiler.h:208] Compiled cluster using XLA!  This line \
is logged at most once for the lifetime of the process.
"""


def test_drops_tensorflow_startup_lines_only():
    kept = "UserWarning: Do not pass an `input_shape`\nI0000 is not a log line\n"
    assert without_startup_lines(STARTUP) == ""
    assert without_startup_lines(STARTUP + kept) == kept
    assert without_startup_lines(kept + STARTUP) == kept


def test_keeps_tensorflow_warnings_a_snippet_causes():
    line = "W0000 00:00:1795600109.3 2257 op_level_cost_estimator.cc:699] Error in PredictCost()\n"
    assert without_startup_lines(line) == line
