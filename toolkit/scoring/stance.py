"""Stance and roles: whether a predicted claim reverses what the gold claim says someone does,
without a negation word ("criticised" for "expressed gratitude", "Russia sent troops to North
Korea" for "North Korea sent troops to Russia").

**Stance** (lexical: it runs on every pair, so it reads words, not a parse; a parse costs
about 3 ms a statement, a thousand times the gate's budget for a pair):

- an antonym by negative prefix, anywhere in the words the two statements do not share
  ("conditional" / "unconditional", "distrustful" / "trustful": un-, in-, im-, il-, ir-, dis-,
  non-, when the prefixed word is an adjective by its ending or the bare word is polar);
- a polar word only the prediction uses (``lexicons.valence``: VADER's rating, else EmoLex's
  sign, of the word or its lemma; at least ``POLAR`` either way) in the place of a gold word,
  after the same word (by lemma: "has" / "have") or before the same two words ("Lavrov
  *criticised*" / "Lavrov *expressed gratitude*", "has *weakened*" / "has *intensified*",
  "*opposed* to bolstering" / "*commitment* to bolstering"), when the two are rated with
  opposite signs, or, where only a verb or an adjective can stand (after a name, a pronoun,
  an auxiliary, "to" or a copula), the prediction's is negative, not a noun only, and the
  gold word's is not negative ("withdrew" / "sent"); a predicate adjective takes the place
  of its copula ("would be *harmful*" / "would *enhance*").
  Not read as predicates: the first word, a word after a determiner or a possessive (a noun:
  "the war", "a defect", "Korea's government"), a capitalised word (a name or a title:
  "Foreign Minister"), a verb reporting a clause ("argued that"), and two forms of one word
  ("weapons" / "weaponry"); an adverb of manner is skipped ("would *significantly* enhance").
- a reversative or negative-implicative predicate (``REVERSATIVES``: it cancels, ends, undoes,
  withdraws from, avoids, hinders or leaves out the event it governs: "cancelled", "called
  off", "pulled ... out of", "backing away from", "tore up", "scrapped", "the collapse of", "a
  setback for", "excludes", "avoided"), by lemma, in the prediction where the gold claim has
  none, read like a negation of the event, whatever it stands in the place of ("Lavrov
  *called off* his visit" / "Lavrov was on a visit"); two reversatives, even different ones,
  are no reversal ("pulled out" / "withdrew"), nor one with a negative word in its place in
  the other statement ("would *undermine*" / "would *harm*"); a gold claim's reversative the
  prediction lacks counts only where the prediction keeps the words either side of it.
  Not reversatives: a time ("by the end of 2025"), a place ("on the receiving end of"), "ended
  up", "stopped in", "without delay";
- words of more and of less (``DIRECTIONS``): the prediction says only "more" where the gold
  claim says only "less", or the other way ("has *cooled*" / "has *intensified*", "more
  *distant*" / "*closer*", "*rose* 5%" / "*fell* 5%", "*curtailing*" / "*bolstering*", "leave
  it *weaker*" / "*enhance* it");
- words of degree (``DEGREES``), those one statement has and the other not, compared the same
  way ("only *partial, lukewarm* backing" / "*fully* back", "*low-level* talks" / "*high-level*
  talks");
- a support verb's object (``SUPPORT_VERBS``) stands in the verb's place, as a predicate
  adjective stands in its copula's ("Lavrov *voiced his displeasure*" / "Lavrov *expressed
  gratitude*"; "voiced North Korea's *opposition*" / "expressed North Korea's *willingness*");
  an adjective with a negative prefix no lexicon rates is the opposite of its positive bare
  word ("was *unappreciative* of" / "expressed *gratitude* for");
- newsroom idioms of withdrawal or harm (``IDIOMS``: "turn its back on", "put the brakes on",
  "out in the cold", "on the rocks", "a blow to"), by lemma, read as reversatives;
- an order word before the same four words as the other statement's opposite one ("only
  *after* his meeting with Kim" / "*before* his meeting with Kim").

**Roles** (with spaCy's parse, ``parse.arguments``; only for a gold claim that lists its
entities, when the two statements share most of their words and name two or more of the same
entities: ``gate``): the two statements share a predicate (verb or noun: "sent", "pledge"), and
its agent, recipient ("to") or beneficiary ("for") in one is someone else in the other, each of
them named in both; or the same subject moves something the other way, whatever the verbs: a
participant is where one predicate goes ("sent troops *to* Russia") and where the other comes
from ("received troops *from* Russia"); or the same subject gives in one and takes in the
other (``TRANSFERS``: "Lavrov *provided* North Korea with support" / "Lavrov *received*
support from North Korea"), another participant of the prediction's transfer named in the
gold claim. Of several subjects the gold claim names together ("Kim Jong Un's administration
in North Korea"), one named in the prediction is enough for a swap.

What it cannot see: a reversal neither lexicon rates nor the lists hold ("challenge" for
"support", "traded threats", "waited in vain for a meeting"), an ambiguous phrasal verb left
out of the list ("took back his pledge": "took back the city" retakes it), a visit against
hosting ("hosted ... in Moscow" for "was on a visit to North Korea": the noun "visit" has no
subject in the parse), an idiom not listed, an order said in other words ("before meeting
Kim" / "after his meeting with Kim"); there the similarity decides, or the ``llm`` matcher's
judge. And what it gets wrong: a negative predicate or a reversative against a synonym
neither the lexicons nor the lists know ("withdrew" / "pulled back") is refused, and so is a
reversative that presupposes the event ("Lavrov *ended* his visit" for "Lavrov was on a
visit"; "once their talks had *ended*, they vowed ...") or governs a purpose ("to *prevent* an escalation" for "to keep the peace"); so
would be a degree word about something other than the gold claim's ("full details of a
partial deal"), a listed idiom in its literal sense ("a blow to the head", "recalled the
troops' bravery"), a support verb's object that is not its predicate ("showed the damage"),
and a transfer verb whose subject is also the other party ("Lavrov received and sent
letters").

>>> stance_refusal("Lavrov criticised the troops.", "Lavrov expressed gratitude for the troops.")
'stance: criticised vs gratitude'
>>> stance_refusal("Lavrov praised the troops.", "Lavrov thanked the troops.") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

from . import parse as parsing
from .lexicons import POLAR, adverb, base, nominal, valence

#: a word, or a possessive ending ("Korea's", "Korea’s": a word of its own, ``POSSESSIVE``)
_WORD = re.compile(r"[A-Za-z][a-z]+(?:-[a-z]+)*|['’]s\b")
POSSESSIVE = "'s"
#: words before a noun: a polar word after them names a thing, it does not predicate
DETERMINERS = frozenset({"a", "an", "the", "its", "his", "her", "their", "our", "this", "that",
                         "these", "those", "some", "any", "no", "every", "each", POSSESSIVE})
#: verbs before a predicate adjective, by lemma (every form: "was reluctant", "has grown
#: hostile", "would remain hostile", "would prove harmful"); and "as" after a verb that
#: predicates of its object ("characterised the relationship as hostile")
COPULAS = frozenset({"be", "become", "grow", "remain", "seem", "prove", "as"})
#: words after which only a verb or an adjective stands (besides a copula, and a name:
#: "Lavrov snubbed")
VERB_SLOTS = frozenset({"to", "has", "have", "had", "will", "would", "could", "can", "may",
                        "might", "must", "should", "he", "she", "they", "it", "we", "i", "you",
                        "who", "which", "did", "does", "do"})
#: reversative and negative-implicative predicates, by lemma -> the particles that make the
#: word one ("call" -> "off": "called off"; "" for the word alone): a statement with one says
#: that the event it governs was cancelled, ended, undone, withdrawn from, avoided, hindered
#: or left out, as a negation would ("Lavrov *called off* his visit" against "Lavrov was on a
#: visit"). A closed class listed by hand, like the gate's negation words: the polarity
#: lexicons rate many of these negative ("cancel", "avoid", "abandon") but not all ("end",
#: "halt", "scrap", "terminate", "hinder"; no particle at all), and they rate countless
#: negative words that reverse nothing ("war", "crisis"). Matched by lemma through
#: lemminflect's table (``lexicons.base``), so every inflection counts ("tore up", "scrapped",
#: "backing away"). The negation words the gate counts itself (refuse, deny, reject, decline,
#: fail) are left out; so are words of a change of amount ("cut", "drop": ``DIRECTIONS``).
REVERSATIVES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys((
        # cancel, put off
        "cancel", "postpone", "defer", "delay", "scrap", "shelve", "abort",
        # undo, revoke, abolish
        "revoke", "rescind", "repeal", "annul", "nullify", "invalidate", "overturn", "reverse",
        "undo", "retract", "renounce", "renege", "recant", "disavow", "abolish", "dismantle",
        "dissolve", "disband",
        # end, stop
        "end", "terminate", "halt", "cease", "suspend", "discontinue", "stop", "collapse",
        "quit", "sever", "abandon", "withdraw",
        # avoid, stay away from
        "avoid", "avert", "forestall", "evade", "shun", "skip", "forgo", "forego", "refrain",
        "abstain", "boycott",
        # hinder, prevent
        "hinder", "impede", "obstruct", "thwart", "hamper", "prevent", "block", "undermine",
        "sabotage", "derail", "stall",
        # leave out, turn away
        "exclude", "omit", "lack", "dismiss", "rebuff", "spurn", "veto",
        # call back what was sent (troops, an envoy; not "recalled that", remembered)
        "recall",
        # the nouns of these events ("the collapse of", "a setback for")
        "cancellation", "postponement", "withdrawal", "suspension", "termination", "revocation",
        "retraction", "annulment", "abandonment", "abolition", "dissolution", "cessation",
        "breakdown", "setback", "demise", "reversal", "rollback", "pullout", "exclusion",
        "omission", "avoidance", "dismissal", "rejection", "refusal"), ("",)),
    "call": ("off", "home"), "pull": ("out", "back"), "back": ("out", "away", "down", "off"),
    "walk": ("away", "back"), "step": ("back",), "bow": ("out",), "opt": ("out",),
    "drop": ("out",), "tear": ("up",), "rip": ("up",), "put": ("off",),
    "scale": ("back", "down"), "roll": ("back",), "wind": ("down",), "phase": ("out",),
    "break": ("off", "down"), "fall": ("apart", "through"), "turn": ("down",),
    "rule": ("out",), "brush": ("off",), "leave": ("out",), "bring": ("home",),
    "cut": ("off",), "set": ("back",), "hold": ("back",),
}
#: a reversative with the word after it that makes it none ("ended up signing", "stopped in
#: Beijing": a stop on the way)
NOT_REVERSATIVE = {"end": frozenset({"up"}),
                   "stop": frozenset({"in", "at", "over", "by", "off", "short"}),
                   "recall": frozenset({"that", "how", "what", "when", "where", "why"})}
#: idioms of withdrawal, refusal or harm common in news writing, each a sequence of lemmas
#: (one other word may stand between two of them: "turn *its* back on", "a *serious* blow
#: to"): read as reversatives (``REVERSATIVES``), since no word of them is negative alone
#: ("back", "brake", "rock", "cold" rate positive or not at all). The class is the English
#: idioms dictionaries list for ending support or harming ("turn one's back on", "put the
#: brakes on", "leave out in the cold", "on the rocks", "a blow to"); kept small, not fitted
#: to every wording.
IDIOMS: tuple[tuple[str, ...], ...] = (
    ("turn", "back", "on"), ("put", "the", "brake", "on"), ("out", "in", "the", "cold"),
    ("on", "the", "rock"), ("blow", "to"), ("give", "the", "cold", "shoulder"),
)
IDIOM_GAP = 1
#: a reversative with the word before it that makes it a place, not an ending ("on the
#: *receiving* end of", "at the *other* end", "the *far* end")
PLACE_BEFORE = {"end": frozenset({"receiving", "other", "far", "near", "opposite", "tail",
                                  "deep", "back", "front"})}
#: particles that may stand apart from their verb ("called *its troops* home", "pull *6,000
#: workers* out of"), up to ``PARTICLE_REACH`` words after it, before "of" or "from" or at the
#: end; other particles are verbs of their own too ("back": support) and must follow at once
SPLIT_PARTICLES = frozenset({"off", "out", "home", "up"})
PARTICLE_REACH = 6
#: "by the end of 2025": a reversative noun after one of these and a determiner is a time
TIME_PREPOSITIONS = frozenset({"by", "at", "until", "till", "before", "after", "toward",
                               "towards", "near", "since", "from", "through", "throughout"})
#: words of a change of amount or degree, by lemma (or as written, for a form whose lemma is
#: another word's: "closer", not "close to 10,000") -> +1 (more) or -1 (less): a statement
#: saying only "more" reverses one saying only "less" ("the relationship *cooled*" against
#: "the relationship *intensified*", "revenue *fell* 5%" against "revenue *rose* 5%"). Listed
#: by hand: neither lexicon rates them by direction ("intensify", "rise", "distant" not at all;
#: "cool" +1.3 in VADER, its sense of "good").
DIRECTIONS: dict[str, int] = {
    **dict.fromkeys(("increase", "rise", "raise", "climb", "gain", "growth", "intensify",
                     "deepen", "strengthen", "bolster", "boost", "expand", "improve", "warm",
                     "surge", "soar", "jump", "enhance", "escalate", "heighten", "closer",
                     "closest", "improvement", "expansion", "intensification"), 1),
    **dict.fromkeys(("decrease", "fall", "drop", "decline", "sink", "shrink", "reduce", "cut",
                     "weaken", "deteriorate", "worsen", "cool", "sour", "erode", "slump",
                     "plunge", "tumble", "diminish", "lessen", "fray", "distant",
                     "deterioration", "reduction", "contraction", "erosion", "curtail",
                     "restrict", "downgrade", "weaker", "colder", "frostier"), -1),
}
#: words of degree, as written (adverbs in): +1 full, -1 partial; compared like
#: ``DIRECTIONS`` ("fully back" against "only partial, lukewarm backing", "high-level talks"
#: against "low-level talks"). A closed class of scale words, listed by hand: the lexicons rate
#: none of them by degree ("partial", "lukewarm", "high-level" not at all, "full" +0.4).
DEGREES: dict[str, int] = {
    **dict.fromkeys(("full", "fully", "unconditional", "unconditionally", "wholehearted",
                     "wholeheartedly", "unreserved", "unreservedly", "unwavering", "total",
                     "high-level", "top-level"), 1),
    **dict.fromkeys(("partial", "partially", "lukewarm", "half-hearted", "halfhearted",
                     "tepid", "qualified", "low-level", "token", "grudging", "grudgingly"),
                    -1),
}
#: words of order in time -> -1 (earlier) or +1 (later): one statement's "after" followed by
#: the same ``ORDER_SPAN`` words as the other's "before" reverses the order ("only *after his
#: meeting with Kim*" / "*before his meeting with Kim*"); an order said from the other event's
#: side names another event after the word ("after his meeting with Choe") and is left alone
ORDER: dict[str, int] = {"before": -1, "after": 1}
ORDER_SPAN = 4
#: verbs that carry the predicate of their object ("*voiced* his displeasure", "*dealt* a
#: blow", "*gave* lukewarm backing"), by lemma: a polar word of their object stands in their
#: place, as a predicate adjective stands in its copula's
SUPPORT_VERBS = frozenset({"express", "voice", "show", "give", "offer", "lend", "deal",
                           "register", "signal", "extend", "convey", "display"})
#: how many words after a support verb its object's polar word may stand ("voiced *North
#: Korea's outright* opposition"), before any function word ends the object
SUPPORT_REACH = 5
FUNCTION_WORDS = DETERMINERS | {"to", "of", "in", "on", "at", "for", "with", "by", "from", "and",
                                "or", "as", "is", "was", "are", "were", "be", "been", "has",
                                "have", "had", "will", "would", "not"}
_NEGATIVE_PREFIX = re.compile(r"^(un|non-?|dis|in|im|il|ir)(?=[a-z]{4})")
_ADJECTIVE_END = re.compile(r"(?:al|ful|able|ible|ive|ous|ent|ant|ic|ing|ed|y)$")


class Predicate(NamedTuple):
    """A polar word in a predicate's place, with what places it."""

    word: str
    #: the word before it (its lemma: "has" and "have" are one), adverbs skipped
    before: str
    #: the two words after it ("opposed *to bolstering*")
    after: tuple[str, ...]
    #: after a copula ("was reluctant")?
    copula: bool
    #: after a copula, the word before the copula (its lemma): the place of the whole predicate
    #: ("would [be] harmful" answers "would enhance"); else ""
    before_copula: str
    #: where only a verb or an adjective stands: after a name, a pronoun, an auxiliary or "to"?
    verbal: bool


class Reversative(NamedTuple):
    """A reversative predicate (``REVERSATIVES``) of a statement, with its place."""

    #: as written, lowercased, the particle with it ("called off")
    shown: str
    #: the word before it (its lemma), "" at the start
    before: str
    #: the two words after it (after its particle)
    after: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Stance:
    """What the stance check reads of one statement, computed once per text (``stance_of``),
    lexicon look-ups included: comparing two of them (``reversal``) reads no lexicon."""

    words: frozenset[str]
    #: words the lexicon rates at least ``POLAR`` either way -> valence
    polar: dict[str, float]
    #: words that are another word with a negative prefix -> that word
    prefixed: dict[str, str]
    predicates: tuple[Predicate, ...]
    #: the words lowercased, adverbs left out (``words_of``), and the lemma of each (``base``)
    tokens: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    #: the predicates' words the lemma table lists as nouns only (``nominal``)
    nominal: frozenset[str] = frozenset()
    #: its reversative predicates (``REVERSATIVES``)
    reversatives: tuple[Reversative, ...] = ()
    #: its words of more and of less (``DIRECTIONS``), as written, lowercased
    more: tuple[str, ...] = ()
    less: tuple[str, ...] = ()
    #: its words of full and of partial degree (``DEGREES``), lowercased, sorted
    high: tuple[str, ...] = ()
    low: tuple[str, ...] = ()
    #: its words of order (``ORDER``), each with the ``ORDER_SPAN`` words after it
    order: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        # read back from a cache shard (``statement_cache``), a stance is checked like input
        # for what the comparison indexes by: a shard breaking it is not read, never a traceback
        if len(self.tokens) != len(self.bases):
            raise ValueError(f"bases: found {len(self.bases)}, expected one per token ({len(self.tokens)})")
        if any(x.word not in self.polar for x in self.predicates):
            raise ValueError("predicates: found a word without a valence, expected rated words")
        if any(not r.shown.split() for r in self.reversatives):
            raise ValueError("reversatives: found an empty one, expected the words as written")

    def words_after(self, base: str) -> list[str]:
        """The two words after each place of a word (by its lemma: a counterpart's place,
        "Lavrov expressed *gratitude*"). Found by scanning the words: a pair asks it of a
        statement once or twice, far less than indexing every word would cost."""
        tokens, bases = self.tokens, self.bases
        return [w for i in range(1, len(tokens)) if bases[i - 1] == base for w in tokens[i:i + 2]]

    @cached_property
    def heads(self) -> frozenset[str]:
        """The words its reversatives start with ("pulled" of "pulled out")."""
        return frozenset(r.shown.split()[0] for r in self.reversatives)

    def words_before(self, pair: tuple[str, ...]) -> list[str]:
        """The word before each place of two words (the other side of a counterpart's place:
        "*commitment* to bolstering"), for two words not both function words."""
        if len(pair) != 2 or set(pair) <= FUNCTION_WORDS:
            return []
        first, second = pair
        tokens = self.tokens
        return [tokens[i] for i in range(len(tokens) - 2)
                if tokens[i + 1] == first and tokens[i + 2] == second]


def words_of(text: str) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """The words of a text as written and lowercased, adverbs left out (a word the lemma
    table lists only as an adverb: "would *significantly* enhance"), and every word
    lowercased, adverbs in: one pass, read by ``stance_of`` (cached per text)."""
    found = [POSSESSIVE if w in ("'s", "’s") else w for w in _WORD.findall(text)]
    written = tuple(w for w in found if not adverb(w))
    return written, tuple(w.lower() for w in written), frozenset(w.lower() for w in found)


@lru_cache(maxsize=65536)
def stance_of(text: str) -> Stance:
    written, tokens, words = words_of(text)
    polar = {w: v for w in words if abs(v := valence(w)) >= POLAR}
    prefixed = {w: w[m.end():] for w in words if (m := _NEGATIVE_PREFIX.match(w))}
    # an adjective with a negative prefix no lexicon rates is the opposite of its positive bare
    # word ("unappreciative": "appreciative" +2.6)
    for word, bare in prefixed.items():
        if word not in polar and _ADJECTIVE_END.search(bare) and (v := valence(bare)) >= POLAR:
            polar[word] = -v
    bases = tuple(base(w) for w in tokens)
    # not predicates: the first word, a word after a determiner or a possessive (a noun, what
    # the claim is about: "the war", "a defect", "Korea's government"), a capitalised word (a
    # name or a title: "Foreign Minister"); a verb reporting a clause ("argued that": the
    # clause's stance)
    predicates = tuple(Predicate(w, bases[i - 1], tuple(tokens[i + 1:i + 3]),
                                 bases[i - 1] in COPULAS,
                                 bases[i - 2] if i > 1 and bases[i - 1] in COPULAS else "",
                                 tokens[i - 1] in VERB_SLOTS or bases[i - 1] in COPULAS
                                 or (i > 1 and written[i - 1][0].isupper()))
                       for i, w in enumerate(tokens)
                       if w in polar and i and tokens[i - 1] not in DETERMINERS
                       and not written[i][0].isupper() and tokens[i + 1:i + 2] != ("that",))
    predicates += supported_predicates(written, tokens, bases, polar)
    # a capitalised word inside the sentence is a name or a title, not a predicate
    lowercase = [i for i in range(len(tokens)) if not (i and written[i][0].isupper())]
    directions = [(tokens[i], DIRECTIONS.get(tokens[i]) or DIRECTIONS.get(bases[i], 0))
                  for i in lowercase]
    degrees = sorted((w, DEGREES[w]) for w in words if w in DEGREES)
    return Stance(words, polar, prefixed, predicates, tokens, bases,
                  frozenset(x.word for x in predicates if nominal(x.word)),
                  reversatives_of(tokens, bases, lowercase) + idioms_of(tokens, bases),
                  tuple(w for w, d in directions if d > 0), tuple(w for w, d in directions if d < 0),
                  tuple(w for w, d in degrees if d > 0), tuple(w for w, d in degrees if d < 0),
                  tuple((w, tokens[i + 1:i + 1 + ORDER_SPAN])
                        for i, w in enumerate(tokens) if w in ORDER))


def supported_predicates(written: tuple[str, ...], tokens: tuple[str, ...],
                         bases: tuple[str, ...], polar: dict[str, float]
                         ) -> tuple[Predicate, ...]:
    """The polar words of a support verb's object (``SUPPORT_VERBS``: "Lavrov *voiced his
    displeasure*", "Kim *expressed* North Korea's *willingness*"), each a predicate in the
    support verb's place, as a predicate adjective is in its copula's: the first polar
    lowercase word up to ``SUPPORT_REACH`` words on, before a function word (a preposition,
    a conjunction, an auxiliary) ends the object."""
    found = []
    for i in range(1, len(tokens)):
        if bases[i] not in SUPPORT_VERBS or written[i][0].isupper():
            continue
        for j in range(i + 1, min(len(tokens), i + 1 + SUPPORT_REACH)):
            if tokens[j] in FUNCTION_WORDS and tokens[j] not in DETERMINERS:
                break
            if tokens[j] in polar and not written[j][0].isupper():
                found.append(Predicate(tokens[j], bases[i], tuple(tokens[j + 1:j + 3]), True,
                                       bases[i - 1], True))
                break
    return tuple(found)


#: the idioms by their first lemma
_IDIOMS_BY_START: dict[str, list[tuple[str, ...]]] = {}
for _idiom in IDIOMS:
    _IDIOMS_BY_START.setdefault(_idiom[0], []).append(_idiom)


def idioms_of(tokens: tuple[str, ...], bases: tuple[str, ...]) -> tuple[Reversative, ...]:
    """The idioms (``IDIOMS``) of a statement, by lemma, as reversatives: up to ``IDIOM_GAP``
    other words may stand between two of an idiom's ("turned *its* back on")."""
    found = []
    for i, first in enumerate(bases):
        for idiom in _IDIOMS_BY_START.get(first, ()):
            end = i
            for part in idiom[1:]:
                end = next((k for k in range(end + 1, min(len(bases), end + 2 + IDIOM_GAP))
                            if bases[k] == part), -1)
                if end < 0:
                    break
            if end >= 0:
                found.append(Reversative(" ".join(tokens[i:end + 1]), bases[i - 1] if i else "",
                                         tokens[end + 1:end + 3]))
    return tuple(found)


def reversatives_of(tokens: tuple[str, ...], bases: tuple[str, ...], candidates: list[int]
                    ) -> tuple[Reversative, ...]:
    """The reversative predicates (``REVERSATIVES``) among the words at ``candidates``, each
    with the particle that makes it one; not one after "without" ("without delay"), one in a
    time ("by the end of 2025") or a place ("on the receiving end of")."""
    found = []
    for i in candidates:
        particles = REVERSATIVES.get(bases[i])
        if particles is None or (i and tokens[i - 1] == "without") or \
                tokens[i + 1:i + 2] and tokens[i + 1] in NOT_REVERSATIVE.get(bases[i], ()) or \
                (i and tokens[i - 1] in PLACE_BEFORE.get(bases[i], ())):
            continue
        if i > 1 and tokens[i - 1] in DETERMINERS and tokens[i - 2] in TIME_PREPOSITIONS:
            continue
        end = i if "" in particles else _particle(tokens, i, particles)
        if end is not None:
            found.append(Reversative(" ".join(tokens[i:end + 1]) if end == i + 1 or end == i
                                     else f"{tokens[i]} ... {tokens[end]}",
                                     bases[i - 1] if i else "", tokens[end + 1:end + 3]))
    return tuple(found)


def _particle(tokens: tuple[str, ...], i: int, particles: tuple[str, ...]) -> int | None:
    """Where the particle of the phrasal verb at ``i`` is: right after it, or a
    ``SPLIT_PARTICLES`` one up to ``PARTICLE_REACH`` words on, before "of" or "from" or at the
    end ("called its troops home from Russia"); None when it has none."""
    if tokens[i + 1:i + 2] and tokens[i + 1] in particles:
        return i + 1
    for j in range(i + 2, min(len(tokens), i + 1 + PARTICLE_REACH)):
        if tokens[j] in particles and tokens[j] in SPLIT_PARTICLES and \
                tokens[j + 1:j + 2] in ((), ("of",), ("from",)):
            return j
    return None


def _antonym_of(bare: str, polar: bool) -> bool:
    """A negative prefix before ``bare`` makes a real antonym: ``bare`` is an adjective by its
    ending, or polar (``polar``: rated either way): "conditional" / "unconditional", "agree" /
    "disagree"; not "cover" / "discover"."""
    return bool(_ADJECTIVE_END.search(bare)) or polar


def _one_family(a: str, b: str) -> bool:
    """Two forms of one word ("weapons" / "weaponry"): a shared start of five letters."""
    return a[:5] == b[:5] or a.startswith(b) or b.startswith(a)


def stance_refusal(pred: str, gold: str) -> str | None:
    """Why the prediction reverses the gold claim's stance (``stance: X vs Y``), or None."""
    return reversal(stance_of(pred), stance_of(gold))


def reversal(p: Stance, g: Stance) -> str | None:
    """``stance_refusal`` on the two statements' ``Stance``: reads only what they hold (a
    word of a statement is polar by the lexicons exactly when it is in its ``polar``). Each
    rule starts with a test on what they hold: almost every pair stops there."""
    reason = _polar_reversal(p, g)
    if reason is None and (p.reversatives or g.reversatives):
        reason = _reversative_reversal(p, g)
    if reason is None and (p.more or p.less) and (g.more or g.less):
        reason = _scale_reversal(p.more, p.less, g.more, g.less)
    if reason is None and (p.high or p.low) and (g.high or g.low):
        # the degree words one statement has and the other not ("unconditional support ...
        # during *low-level* talks" / "unconditional support ... during *high-level* talks")
        reason = _scale_reversal(*([w for w in own if w not in other.words]
                                   for own, other in ((p.high, g), (p.low, g),
                                                      (g.high, p), (g.low, p))))
    if reason is None and p.order and g.order:
        reason = _order_reversal(p, g)
    return reason


def _order_reversal(p: Stance, g: Stance) -> str | None:
    """One statement's word of order before the same words as the other's opposite one."""
    for word, after in p.order:
        if len(after) == ORDER_SPAN and (word, after) not in g.order and any(
                ORDER[other] == -ORDER[word] and rest == after for other, rest in g.order):
            return f"stance: {word} vs {next(w for w in ORDER if ORDER[w] == -ORDER[word])}"
    return None


def _reversative_reversal(p: Stance, g: Stance) -> str | None:
    """One statement has a reversative predicate and the other none (two of them, even
    different ones, "withdrew" / "pulled out", are no reversal), nor a negative word in its
    place (by the same word before it or the same two after: "would *harm* global peace" says
    what "would *undermine* global peace" says). A gold claim's counts only where the
    prediction keeps the words either side of it ("Lavrov *made* his visit" for "Lavrov
    *called off* his visit"): a prediction may leave out an ending the gold claim states
    ("voted for a deal" for "the strike ended when workers approved a deal")."""
    if p.reversatives and not g.reversatives:
        for shown, before, after in p.reversatives:
            if not _negative_in_place(before, after, g, p):
                return f"stance: {shown}, a reversal the gold claim does not state"
    elif g.reversatives and not p.reversatives:
        for shown, before, after in g.reversatives:
            if p.words_after(before) and p.words_before(after) and \
                    not _negative_in_place(before, after, p, g):
                return f"stance: the gold claim's {shown}, a reversal the prediction leaves out"
    return None


def _negative_in_place(before: str, after: tuple[str, ...], other: Stance, own: Stance) -> bool:
    """``other`` has a negative word of its own after ``before`` or before ``after``."""
    return any(other.polar.get(w, 0.0) <= -POLAR
               for w in [*other.words_after(before), *other.words_before(after)]
               if w not in own.words)


def _scale_reversal(p_up: tuple[str, ...], p_down: tuple[str, ...],
                    g_up: tuple[str, ...], g_down: tuple[str, ...]) -> str | None:
    """One statement says only "more" where the other says only "less" (``DIRECTIONS``), or
    only "full" where the other says only "partial" (``DEGREES``)."""
    if p_up and g_down and not p_down and not g_up:
        return f"stance: {p_up[0]} vs {g_down[0]}"
    if p_down and g_up and not p_up and not g_down:
        return f"stance: {p_down[0]} vs {g_up[0]}"
    return None


def _polar_reversal(p: Stance, g: Stance) -> str | None:
    """An antonym by negative prefix; a polar predicate against an opposite or a milder one
    in its place."""
    new = [x for x in p.predicates if x[0] not in g.words]
    if not new and not p.prefixed and not g.prefixed:
        return None  # the cheap exit almost every pair takes
    # two reversatives say the same, whatever the lexicons rate them ("pulled out", EmoLex's
    # "pull" positive, for "withdrew"): ``_reversative_reversal`` compares them
    both_reverse = p.reversatives and g.reversatives
    if both_reverse:
        new = [x for x in new if x.word not in p.heads]
    for word, bare in p.prefixed.items():
        if word not in g.words and bare in g.words and bare not in p.words \
                and _antonym_of(bare, bare in g.polar):
            return f"stance: {word} vs {bare}"
    for word, bare in g.prefixed.items():
        if word not in p.words and bare in p.words and bare not in g.words \
                and _antonym_of(bare, bare in p.polar):
            return f"stance: {bare} vs {word}"
    for word, before, after, copula, before_copula, verbal in new:
        # the gold claim's words in its place: after the same word, after the word before its
        # copula or support verb, before the same two words, or the gold claim's predicate in
        # a copula's or support verb's object after that same word ("Lavrov *voiced his
        # displeasure*" / "Lavrov *expressed gratitude*")
        counterparts = [w for w in [*g.words_after(before),
                                    *(g.words_after(before_copula) if before_copula else ()),
                                    *(x.word for x in g.predicates
                                      if before_copula and x.before_copula == before_copula),
                                    *g.words_before(after)]
                        if w not in p.words and w not in FUNCTION_WORDS]
        counterparts = [w for w in counterparts if not _one_family(word, w)
                        and not (both_reverse and w in g.heads)]
        # the counterparts are the gold claim's words: polar exactly when in g.polar
        v = p.polar[word]
        opposite = [w for w in counterparts if v * g.polar.get(w, 0.0) < 0]
        if opposite:
            return f"stance: {word} vs {opposite[0]}"
        if v <= -POLAR and (copula or verbal) and word not in p.nominal and \
                (milder := [w for w in counterparts if g.polar.get(w, 0.0) > -POLAR]):
            return f"stance: {word} vs {milder[0]}"
    return None


def role_refusal(pred: str, gold: str, named: Callable[[str, int, int], dict[str, str]]
                 ) -> str | None:
    """Why the prediction swaps the roles of the gold claim's participants (``role: ...``), or
    None; ``named(text, start, end)`` gives the entities named in a stretch of text (key ->
    name as written). Needs the parse (None without spaCy)."""
    pred_doc = parsing.parse(pred)
    if pred_doc is None:
        return None
    gold_roles = _roles(gold, parsing.parse(gold), named)
    pred_roles = _roles(pred, pred_doc, named)
    gold_keys = {k for keys in gold_roles.values() for k in keys}
    pred_keys = {k for keys in pred_roles.values() for k in keys}
    for (lemma, role), keys in gold_roles.items():
        other = pred_roles.get((lemma, role))
        if role not in _ROLE_SHOWN or not other or keys.keys() & other.keys():
            continue
        # the same participants, each in the other's place (of several the gold claim names
        # together, one is enough: "Kim Jong Un's administration in North Korea")
        if other.keys() <= gold_keys and keys.keys() & pred_keys:
            return (f"role: {_listed(other)} {_ROLE_SHOWN[role]} '{lemma}' in the prediction, "
                    f"{_listed(keys)} in the gold claim")
    return _direction_refusal(pred_roles, gold_roles) or _converse_refusal(pred_roles, gold_roles)


_ROLE_SHOWN = {"agent": "is the subject of", "to": "is the recipient of",
               "for": "is who benefits from"}
#: the two ends of a transfer, as their prepositions mark them
_OPPOSITE_END = {"to": "from", "from": "to"}
_END_SHOWN = {"to": "the destination ('to') of '{}'", "from": "the source ('from') of '{}'"}


def _direction_refusal(pred_roles: dict, gold_roles: dict) -> str | None:
    """The same subject moves something the other way: a participant is where one statement's
    predicate goes ("to") and where the other's comes from ("from"), whatever the two verbs
    ("North Korea received troops from Russia" for "North Korea sent troops to Russia"; "Russia
    received troops from North Korea" is no reversal: its subject is the other one)."""
    for (gold_lemma, end), gold_keys in gold_roles.items():
        if end not in _OPPOSITE_END:
            continue
        gold_agents = gold_roles.get((gold_lemma, "agent"), {}).keys()
        for (pred_lemma, pred_end), pred_keys in pred_roles.items():
            swapped = pred_keys.keys() & gold_keys.keys()
            if pred_end != _OPPOSITE_END[end] or not swapped or \
                    not gold_agents & pred_roles.get((pred_lemma, "agent"), {}).keys():
                continue
            names = _listed({k: pred_keys[k] for k in swapped})
            return (f"role: {names} is {_END_SHOWN[pred_end].format(pred_lemma)} in the "
                    f"prediction, {_END_SHOWN[end].format(gold_lemma)} in the gold claim")
    return None


#: verbs of a transfer by the end their subject is at, by lemma: +1 the subject gives (the
#: source), -1 it takes (the destination). A closed class listed by hand, like
#: ``REVERSATIVES``: with the same subject, one of each says the thing went the other way
#: ("Lavrov received support from North Korea" / "Lavrov provided North Korea with support"),
#: whatever prepositions mark the other participant; with the subjects swapped they are a
#: converse paraphrase ("North Korea provided Lavrov with support"), which this leaves alone.
TRANSFERS: dict[str, int] = {
    **dict.fromkeys(("give", "provide", "send", "dispatch", "supply", "deliver", "transfer",
                     "export", "lend", "grant", "sell", "ship", "deploy", "pledge", "offer",
                     "donate"), 1),
    **dict.fromkeys(("receive", "obtain", "accept", "acquire", "import", "buy", "borrow",
                     "get"), -1),
}


def _converse_refusal(pred_roles: dict, gold_roles: dict) -> str | None:
    """The same subject gives in one statement and takes in the other (``TRANSFERS``), and
    another participant of the prediction's transfer is named in the gold claim too: the
    subject's transfers in each go one way only."""
    def ends(roles: dict) -> dict[str, dict[int, str]]:
        found: dict[str, dict[int, str]] = {}
        for (lemma, role), keys in roles.items():
            if role == "agent" and lemma in TRANSFERS:
                for key in keys:
                    found.setdefault(key, {})[TRANSFERS[lemma]] = lemma
        return found
    gold_ends, pred_ends = ends(gold_roles), ends(pred_roles)
    gold_keys = {k for keys in gold_roles.values() for k in keys}
    for key, pred_way in pred_ends.items():
        gold_way = gold_ends.get(key, {})
        if len(pred_way) != 1 or len(gold_way) != 1 or pred_way.keys() == gold_way.keys():
            continue
        (pred_lemma,), (gold_lemma,) = pred_way.values(), gold_way.values()
        others = {k for (lemma, role), keys in pred_roles.items()
                  if lemma == pred_lemma and role != "agent" for k in keys} - {key}
        if others & gold_keys:
            name = next(keys[key] for (_, role), keys in pred_roles.items()
                        if role == "agent" and key in keys)
            return (f"role: {name} is the subject of '{pred_lemma}' in the prediction, of "
                    f"'{gold_lemma}' in the gold claim: the transfer goes the other way")
    return None


def _listed(named: dict[str, str]) -> str:
    return " and ".join(sorted(named.values()))


def _roles(text: str, doc, named) -> dict[tuple[str, str], dict[str, str]]:
    """(verb lemma, role) -> the entities in that role (key -> name), over every verb."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for token in doc:
        if not (parsing.verbal(token) or token.pos_ == "NOUN"):
            continue
        for role, start, end in parsing.arguments(token):
            found = named(text, start, end)
            if found:
                out.setdefault((token.lemma_.lower(), role), {}).update(found)
    return out
