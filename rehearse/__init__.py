"""rehearse: rehearse spoken interview answers aloud, offline."""

from rehearse.offline import keep_offline

# Before any submodule can import onnxruntime: see rehearse.offline.
keep_offline()

__version__ = "0.1.0"
