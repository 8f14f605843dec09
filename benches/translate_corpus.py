#!/usr/bin/env python3
"""Gives a generated oogst corpus (../shared/bench/gen_corpus.py --layout oogst) a second
language: `site.yaml` gains `languages: en:`, and a share of the items (every second one by
default) an English translation beside its source, `name.en.md`, with a title, summary, slug
and body of its own (the Dutch words put into English word by word; `@/` links, headings and
markup kept).

    python3 benches/translate_corpus.py CORPUS [--share 0.5]
"""
import argparse
import os
import re

WORDS = {
    "de": "the", "het": "the", "een": "a", "en": "and", "van": "of", "in": "in", "op": "on",
    "met": "with", "voor": "for", "is": "is", "zijn": "are", "niet": "not", "ook": "also",
    "naar": "to", "door": "through", "als": "as", "dit": "this", "meer": "more", "hebben": "have",
    "kennis": "knowledge", "netwerk": "network", "werkwijze": "way of working",
    "aanpak": "approach", "thema": "theme", "conclusie": "conclusion",
    "aanbeveling": "recommendation", "deelnemers": "participants", "bijeenkomst": "meeting",
    "praktijk": "practice", "bestuur": "governance", "stad": "city", "doel": "goal",
    "verslag": "report", "oplossing": "solution", "systeem": "system", "platform": "platform",
    "methode": "method", "gesprek": "conversation", "bestaand": "existing",
    "belangrijk": "important", "omdat": "because", "inzicht": "insight", "portaal": "portal",
    "hoewel": "although", "draagvlak": "support", "capaciteit": "capacity",
    "werkgroep": "working group", "vaak": "often", "blijkt": "appears", "bewoners": "residents",
    "middelen": "means", "kans": "chance", "gaat": "goes", "afstemming": "alignment",
    "keten": "chain", "echter": "however", "handreiking": "guide", "uitdaging": "challenge",
    "opgave": "task", "veel": "much", "ambitie": "ambition", "indicator": "indicator",
    "communicatie": "communication", "medewerkers": "staff", "waarbij": "whereby",
    "digitaal": "digital", "knelpunt": "bottleneck", "aandacht": "attention",
    "coördinatie": "coordination", "toezicht": "supervision", "terwijl": "while",
    "tijdelijk": "temporary", "kwaliteit": "quality", "casus": "case", "derde": "third",
    "partners": "partners", "borging": "safeguarding", "samen": "together", "pilot": "pilot",
    "financiering": "funding", "richtlijn": "guideline", "bovendien": "moreover",
    "steeds": "ever more", "begroting": "budget", "zie": "see", "aandachtspunten": "points of attention",
}


def english(text):
    """The text with its Dutch words in English where the list knows them; links, markup
    and unknown words as they are."""
    def word(match):
        w = match.group(0)
        out = WORDS.get(w.lower())
        if out is None:
            return w
        return out.capitalize() if w[0].isupper() else out
    parts = re.split(r"(\]\([^)]*\)|`[^`]*`)", text)
    return "".join(p if i % 2 else re.sub(r"[A-Za-zÀ-ÿ]+", word, p) for i, p in enumerate(parts))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--share", type=float, default=0.5)
    args = parser.parse_args()
    config = os.path.join(args.corpus, "site.yaml")
    with open(config, encoding="utf-8") as f:
        text = f.read()
    if "languages:" not in text:
        with open(config, "a", encoding="utf-8") as f:
            f.write('languages:\n  en:\n    title: "Harvest of a Community of Practice"\n')
    every = max(1, round(1 / args.share)) if args.share > 0 else 0
    made = 0
    content = os.path.join(args.corpus, "content")
    for folder, _, files in sorted(os.walk(content)):
        items = sorted(f for f in files if f.endswith(".md") and f.count(".") == 1 and f != "_index.md")
        for n, name in enumerate(items):
            if not every or n % every:
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                source = f.read()
            _, front, body = source.split("---\n", 2)
            title = re.search(r'^title: "?(.*?)"?$', front, re.M).group(1)
            summary = re.search(r'^summary: "?(.*?)"?$', front, re.M)
            lines = [f'title: "{english(title)}"', f'slug: "en-{name[:-3]}"']
            if summary:
                lines.append(f'summary: "{english(summary.group(1))}"')
            translation = "---\n" + "\n".join(lines) + "\n---\n" + english(body)
            with open(os.path.join(folder, name[:-3] + ".en.md"), "w", encoding="utf-8") as f:
                f.write(translation)
            made += 1
    print(f"{made} translations")


if __name__ == "__main__":
    main()
