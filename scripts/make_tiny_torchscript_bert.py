#!/usr/bin/env python3
"""Builds the tiny TorchScript text tower that dfbk's BiomedClipTextEncoder tests load.

A randomly initialised (seeded) BERT-shaped transformer with the same signature as the
BiomedCLIP export of scripts/export_biomedclip_text.py:
    forward(input_ids [N, L] int64, attention_mask [N, L] int64)
        -> (token_states [N, L, H], projected [N, P])
plus a WordPiece tokenizer.json over a small vocabulary, and a golden JSON with the token ids
(from the WordPiece implementation below, written independently of the HuggingFace tokenizer)
and the outputs for a few sentences.

Usage (Debian's python3-torch):
    /usr/bin/python3 scripts/make_tiny_torchscript_bert.py \
        --out dfbk-train/src/test/resources/org/dfbk/train/knowledge/tiny-bert
"""
import argparse
import json
import math
import os
import sys
import unicodedata

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_biomedclip_text import TextTowerExport, export_text_tower  # noqa: E402

HIDDEN = 32
LAYERS = 2
HEADS = 4
INTERMEDIATE = 64
PROJECTION = 16
CONTEXT = 24
SEED = 20240607

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """
axial coronal sagittal brain head image images mr mri ct scan of the a an with and in on
weight ##ed t ##1 ##2 flair fluid attenuated inversion recovery contrast non enhanced
hyper ##int ##ense hypo bright dark csf cerebrospinal white grey gray matter lesion lesions
tissue bone skull water fat signal translate source target from to modality computed
tomography magnetic resonance diffusion ##s
""".split()
PUNCT = list(".,-:;()/'")
VOCAB = SPECIALS + PUNCT + [str(d) for d in range(10)] + WORDS

SENTENCES = [
    "Axial T2-weighted brain MR image with hyperintense CSF.",
    "Axial non-contrast head CT image: bright bone, dark fluid.",
    "Translate FLAIR to T1 (zebra lesions)",
]


def tokenizer_json(vocab):
    """A BERT WordPiece tokenizer in the HuggingFace tokenizers JSON format."""
    ids = {t: i for i, t in enumerate(vocab)}
    added = [{"id": ids[t], "content": t, "single_word": False, "lstrip": False,
              "rstrip": False, "normalized": False, "special": True} for t in SPECIALS]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True,
                       "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [ids["[CLS]"]], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [ids["[SEP]"]], "tokens": ["[SEP]"]}},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": ids},
    }


def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def wordpiece_ids(text, vocab):
    """BERT uncased tokenization: lowercase, strip accents, split on spaces and punctuation,
    greedy longest-match WordPiece; a word with an unmatched piece becomes [UNK]."""
    ids = {t: i for i, t in enumerate(vocab)}
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    words, cur = [], ""
    for ch in text:
        if ch.isspace():
            if cur:
                words.append(cur)
            cur = ""
        elif _is_punct(ch):
            if cur:
                words.append(cur)
            words.append(ch)
            cur = ""
        else:
            cur += ch
    if cur:
        words.append(cur)
    out = [ids["[CLS]"]]
    for w in words:
        pieces, start, bad = [], 0, False
        while start < len(w):
            end, found = len(w), None
            while start < end:
                sub = w[start:end] if start == 0 else "##" + w[start:end]
                if sub in ids:
                    found = ids[sub]
                    break
                end -= 1
            if found is None:
                bad = True
                break
            pieces.append(found)
            start = end
        out.extend([ids["[UNK]"]] if bad else pieces)
    out.append(ids["[SEP]"])
    return out


class TinyBertLayer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(HIDDEN, 3 * HIDDEN)
        self.out = torch.nn.Linear(HIDDEN, HIDDEN)
        self.norm1 = torch.nn.LayerNorm(HIDDEN, eps=1e-12)
        self.ff1 = torch.nn.Linear(HIDDEN, INTERMEDIATE)
        self.ff2 = torch.nn.Linear(INTERMEDIATE, HIDDEN)
        self.norm2 = torch.nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, x, additive_mask):
        n, l, _ = x.shape
        d = HIDDEN // HEADS
        q, k, v = self.qkv(x).split(HIDDEN, dim=-1)
        q = q.view(n, l, HEADS, d).transpose(1, 2)
        k = k.view(n, l, HEADS, d).transpose(1, 2)
        v = v.view(n, l, HEADS, d).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + additive_mask
        a = torch.softmax(scores, dim=-1) @ v
        a = a.transpose(1, 2).reshape(n, l, HIDDEN)
        x = self.norm1(x + self.out(a))
        return self.norm2(x + self.ff2(torch.nn.functional.gelu(self.ff1(x))))


class TinyBert(torch.nn.Module):
    """Post-norm BERT encoder: word + position + type embeddings, LayerNorm, LAYERS layers."""

    def __init__(self, vocab_size):
        super().__init__()
        self.word = torch.nn.Embedding(vocab_size, HIDDEN)
        self.position = torch.nn.Embedding(CONTEXT, HIDDEN)
        self.token_type = torch.nn.Embedding(2, HIDDEN)
        self.norm = torch.nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = torch.nn.ModuleList([TinyBertLayer() for _ in range(LAYERS)])

    def forward(self, input_ids, attention_mask, return_dict=False):
        l = input_ids.shape[1]
        pos = torch.arange(l, device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.position(pos) + self.token_type(torch.zeros_like(input_ids))
        x = self.norm(x)
        additive = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, additive)
        return (x,)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.manual_seed(SEED)
    transformer = TinyBert(len(VOCAB))
    mid = (HIDDEN + PROJECTION) // 2  # open_clip's "mlp" projection head
    proj = torch.nn.Sequential(torch.nn.Linear(HIDDEN, mid, bias=False), torch.nn.GELU(),
                               torch.nn.Linear(mid, PROJECTION, bias=False))
    tower = TextTowerExport(transformer, "cls", proj)

    ids = [wordpiece_ids(s, VOCAB) for s in SENTENCES]
    batch = torch.zeros(len(ids), CONTEXT, dtype=torch.int64)
    for i, row in enumerate(ids):
        batch[i, :len(row)] = torch.tensor(row)
    traced = export_text_tower(tower, json.dumps(tokenizer_json(VOCAB), indent=1), args.out,
                               "tiny-bert-test", CONTEXT, 0, batch,
                               "scripts/make_tiny_torchscript_bert.py seed %d" % SEED)
    mask = (batch != 0).to(torch.int64)
    with torch.no_grad():
        tokens, projected = traced(batch, mask)
    golden = {
        "sentences": SENTENCES,
        "input_ids": ids,
        "context_length": CONTEXT,
        "hidden_dim": HIDDEN,
        "projection_dim": PROJECTION,
        # token states of the real (unpadded) tokens only: [len_i, H] per sentence
        "token_states": [tokens[i, :len(r)].tolist() for i, r in enumerate(ids)],
        "projected": projected.tolist(),
    }
    with open(os.path.join(args.out, "golden.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f)
        f.write("\n")
    print("wrote", args.out, [len(r) for r in ids])


if __name__ == "__main__":
    main()
