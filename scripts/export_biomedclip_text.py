#!/usr/bin/env python3
"""Exports BiomedCLIP's text tower for dfbk's BiomedClipTextEncoder.

Run once on a machine with internet access and open_clip installed:

    pip install open_clip_torch transformers
    python3 scripts/export_biomedclip_text.py --out biomedclip-text

and then point dfbk at the folder: --text-encoder biomedclip --text-encoder-dir biomedclip-text

The folder holds
  text_encoder.pt    TorchScript: forward(input_ids [N, L] int64, attention_mask [N, L] int64)
                     -> (token_states [N, L, H] float32, projected [N, P] float32)
  tokenizer.json     the HuggingFace fast tokenizer of the text tower
  text_encoder.json  metadata: name, hidden_dim H, projection_dim P, context_length L, pad id

token_states are the last hidden states of BiomedBERT (H = 768); projected is the text tower's
pooled output after its projection head (P = 512), i.e. what open_clip's encode_text returns
before L2 normalisation. The export is checked against open_clip's encode_text before it is
written.

export_text_tower() is shared with scripts/make_tiny_torchscript_bert.py, which builds a tiny
randomly initialised tower of the same structure for dfbk's tests.
"""
import argparse
import json
import os

import torch

FORMAT = "dfbk-text-encoder"
FORMAT_VERSION = 1
MODEL_FILE = "text_encoder.pt"
TOKENIZER_FILE = "tokenizer.json"
METADATA_FILE = "text_encoder.json"
BIOMEDCLIP_HUB = "hf-hub:microsoft/BiomedCLIP-PubMedBERT_256-vit_base_patch16_224"


class TextTowerExport(torch.nn.Module):
    """transformer + pooler + projection of a CLIP-style text tower with a BERT transformer.

    transformer(input_ids=..., attention_mask=..., return_dict=False)[0] must give the last
    hidden states [N, L, H]. pooling is "cls" (hidden state of the first token, open_clip's
    ClsLastHiddenStatePooler) or "mean" (mean over the attention mask, open_clip's MeanPooler).
    """

    def __init__(self, transformer, pooling, proj):
        super().__init__()
        if pooling not in ("cls", "mean"):
            raise ValueError(f"pooling must be 'cls' or 'mean', found {pooling!r}")
        self.transformer = transformer
        self.pooling = pooling
        self.proj = proj

    def forward(self, input_ids, attention_mask):
        hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                  return_dict=False)[0]
        if self.pooling == "cls":
            pooled = hidden[:, 0, :]
        else:
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
        return hidden, self.proj(pooled)


def export_text_tower(tower, tokenizer_json_text, out_dir, name, context_length, pad_token_id,
                      example_ids, source):
    """Traces tower (a TextTowerExport) on example_ids [N, context_length] and writes the folder.

    Returns the traced module. The trace is checked against the eager module on the example.
    """
    os.makedirs(out_dir, exist_ok=True)
    tower = tower.eval()
    example_ids = example_ids.to(torch.int64)
    if example_ids.shape[1] != context_length:
        raise ValueError(f"example ids must be padded to context_length {context_length}, "
                         f"found shape {tuple(example_ids.shape)}")
    mask = (example_ids != pad_token_id).to(torch.int64)
    with torch.no_grad():
        eager_tokens, eager_proj = tower(example_ids, mask)
        traced = torch.jit.trace(tower, (example_ids, mask), check_trace=False)
        traced_tokens, traced_proj = traced(example_ids, mask)
    for what, a, b in (("token_states", eager_tokens, traced_tokens),
                       ("projected", eager_proj, traced_proj)):
        diff = (a - b).abs().max().item()
        if diff > 1e-5:
            raise RuntimeError(f"traced {what} differs from eager by {diff:.3g}")
    traced.save(os.path.join(out_dir, MODEL_FILE))
    with open(os.path.join(out_dir, TOKENIZER_FILE), "w", encoding="utf-8") as f:
        f.write(tokenizer_json_text)
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "model_file": MODEL_FILE,
        "tokenizer_file": TOKENIZER_FILE,
        "hidden_dim": int(eager_tokens.shape[-1]),
        "projection_dim": int(eager_proj.shape[-1]),
        "context_length": int(context_length),
        "pad_token_id": int(pad_token_id),
        "pooling": tower.pooling,
        "source": source,
        "torch_version": torch.__version__,
    }
    with open(os.path.join(out_dir, METADATA_FILE), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    return traced


def _pooling_of(pooler):
    kind = type(pooler).__name__
    if kind == "ClsLastHiddenStatePooler":
        if getattr(pooler, "cls_token_position", 0) != 0:
            raise RuntimeError("only a CLS token at position 0 is supported")
        return "cls"
    if kind == "MeanPooler":
        return "mean"
    raise RuntimeError(f"unsupported open_clip pooler {kind}: expected ClsLastHiddenStatePooler "
                       "or MeanPooler")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--model", default=BIOMEDCLIP_HUB, help="open_clip model name")
    args = ap.parse_args()

    import open_clip  # needs internet on first use (downloads the weights)

    model, _, _ = open_clip.create_model_and_transforms(args.model)
    tokenizer = open_clip.get_tokenizer(args.model)
    model.eval()
    text = model.text
    hf_tok = tokenizer.tokenizer  # transformers fast tokenizer
    if not getattr(hf_tok, "is_fast", False):
        raise RuntimeError("the text tower's tokenizer is not a fast tokenizer: no tokenizer.json")
    context_length = int(tokenizer.context_length)
    pad_id = int(hf_tok.pad_token_id)
    tower = TextTowerExport(text.transformer, _pooling_of(text.pooler), text.proj)

    prompts = ["Axial T2-weighted brain MR image with hyperintense cerebrospinal fluid.",
               "Axial non-contrast head CT image."]
    ids = tokenizer(prompts, context_length=context_length)
    traced = export_text_tower(tower, hf_tok.backend_tokenizer.to_str(pretty=True), args.out,
                               "biomedclip-pubmedbert-256", context_length, pad_id, ids,
                               args.model)
    with torch.no_grad():
        reference = model.encode_text(ids, normalize=False)
        _, projected = traced(ids, (ids != pad_id).to(torch.int64))
    diff = (reference - projected).abs().max().item()
    if diff > 1e-4:
        raise RuntimeError(f"exported projection differs from open_clip encode_text by {diff:.3g}")
    print(f"wrote {args.out}: max |diff| to open_clip encode_text {diff:.3g}")


if __name__ == "__main__":
    main()
