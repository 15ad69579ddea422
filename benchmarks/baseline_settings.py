"""The product's settings with the benchmarks' baselines (baselines.py) served beside its pages."""

from qunfang.settings import *  # noqa: F403

ROOT_URLCONF = "baselines"
