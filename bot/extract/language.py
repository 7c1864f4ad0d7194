"""Guess the main language of a text from its most common short words."""

from __future__ import annotations

import re

_STOPWORDS = {
    "en": "the and of to in is for on that with are will by this be from",
    "fr": "le la les et des est pour une dans sur par au aux qui du avec",
    "es": "el la los las y de que en para por con una del se es al",
    "pt": "o a os as e de que em para com uma do da não são ao",
    "it": "il la gli le e di che per con una del della sono al nel",
    "de": "der die das und zu den von mit ist für auf nicht eine im dem",
    "nl": "de het een en van in is dat op te zijn voor met niet aan er ook als bij",
    "pl": "i w na z się nie do to że jest jak od po przez dla oraz",
    "ru": "и в не на что с по как это из к за от для о он но был была",
    "uk": "і в на що з до не як це у за від для та є які було",
    "bg": "и в на за от да се с че по е не са като към",
    "be": "і ў на што з да не як гэта па для ад быў але",
    "ky": "жана менен үчүн бул да деп боюнча анын болуп эле",
    "ar": "في من على إلى أن عن مع هذا التي الذي كان ما لا",
    "tr": "ve bir bu da de için ile olarak daha çok gibi ne ama olan",
    "sv": "och att det som en på är av för med till den har inte om",
    "da": "og at det som en på er af for med til den har ikke om",
    "cs": "a v na se že je s z do to o k jako pro by ale",
    "ro": "și în de la cu pe care este un o din că pentru mai",
}
_TABLE = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_LANGS_OF = {word: tuple(lang for lang, words in _TABLE.items() if word in words)
             for word in set().union(*_TABLE.values())}
_LETTERS = {"tr": "ığşĞŞİ", "pl": "łżąęśźŁŻŚ", "cs": "řěůŘ", "ro": "țșăȚȘ"}
_WORD = re.compile(r"[^\W\d_]+")


def detect(text: str, sample: int = 20000, default: str = "en") -> str:
    """The language code whose stop words are most frequent in the first `sample` characters
    (`default` when none of them is there).

    >>> detect("La date limite pour les candidatures est fixée au 30 avril.")
    'fr'
    >>> detect("Суд отложил заседание по делу на 9 февраля, сообщил адвокат."), detect("Dava 8 Ekim'e ertelendi ve bu karar için")
    ('ru', 'tr')
    """
    counts = dict.fromkeys(_TABLE, 0.0)
    # "İ" lower-cases to "i" and a combining dot, which would split "İlk" into "i" (Polish "and") and "lk"
    for word in _WORD.findall(text[:sample].replace("İ", "i").lower()):
        for lang in _LANGS_OF.get(word, ()):
            counts[lang] += 1.0 / len(_LANGS_OF[word])  # "de" says less than "pour"
    for lang, letters in _LETTERS.items():  # Turkish and Polish say little in short words, much in letters
        counts[lang] += 0.5 * sum(map(text[:sample].count, letters))
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] else default
