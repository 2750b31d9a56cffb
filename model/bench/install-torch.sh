#!/usr/bin/env bash
# Installs the PyTorch reference for model/bench/torch_baseline.py from Debian (bookworm):
# python3-torch 1.13.1 (built with oneDNN 2.6.3) and OpenBLAS, which PyTorch uses for the
# convolutions it does not hand to oneDNN (the ones on small inputs, levels 3-6 of the U-Net at
# 64^3). Without OpenBLAS, Debian's reference BLAS makes those convolutions several times slower.
# Needs root and Debian's package mirror; not used by the build or the tests.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends python3-torch python3-numpy libopenblas0-openmp
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__, "mkldnn", torch.backends.mkldnn.is_available())'
