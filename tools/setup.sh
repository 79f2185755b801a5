#!/usr/bin/env bash
# Set up everything the course needs in ./.venv (safe to run again; fast when done).
#   bash tools/setup.sh          # learner / developer machine
# TensorFlow: with an NVIDIA GPU (nvidia-smi works) the CUDA build, otherwise the
# smaller CPU-only wheel `tensorflow-cpu` (1.6 GB instead of 2.7 GB, no CUDA logs).
# Override with CNNLAB_TF=cpu|gpu|tf.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip

flavour=${CNNLAB_TF:-}
if [ -z "$flavour" ]; then
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    flavour=gpu
  else
    flavour=cpu
  fi
fi
.venv/bin/python -m pip install -q -e ".[${flavour},lab,test]"

# Optional system packages, only where we are root on Debian/Ubuntu:
#  - dataset-fashion-mnist: the real Fashion-MNIST files, so Keras' own loader works offline;
#  - chromium: the browser the widget tests drive (never `playwright install`).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${CNNLAB_SKIP_APT:-0}" != 1 ]; then
  need=()
  [ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  if [ ${#need[@]} -gt 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") \
      >/dev/null 2>&1 || echo "note: could not apt-get install ${need[*]} (optional)"
  fi
fi
.venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
echo "cnnlab is set up in .venv ($flavour TensorFlow)."
