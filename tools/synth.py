"""Synthetic packages of the cnru model, for benchmarks and validator tests: a development
tool, not part of the installed package.

    python tools/synth.py OUT --claims 10000 --seed 1 [--corrupt K]

`synthesize(template, out, claims, seed)` writes a valid package of the template's descriptor,
schemas and build scripts, with its tables and the archived texts they quote (`sources/`); the
same arguments give the same bytes. `corrupt=K` plants K errors and lists them in
`planted.json`. What the Table Schemas say is read from them: the columns and their order
(each row starts as the schema's blank row), the vocabularies and the identifier patterns.
Texts are built source by source (about 100 claims each), a sentence at a time: its claims
(one per subject and item) share its quote, and one sentence in ten is repeated by the next
source, so that its claims get a second evidence row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import random
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cnru.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("sources", "entities", "entity_aliases", "claims", "claim_evidence", "actions",
          "action_targets", "action_evidence")  # the tables the generator fills
CLAIMS_PER_SOURCE = 100
MIN_SOURCES = 3
ENTITIES_PER_CLAIM = 0.1  # generated entities, besides the base entities
ACTIONS_PER_CLAIM = 0.04
ECHO_SHARE = 0.1  # sentences the next source repeats
FIRST_DAY, SPAN_DAYS = date(2022, 3, 1), 1200


class Model:
    """The template's Table Schemas: each table's fields as a blank row, its required fields,
    the vocabularies the generator draws from, and the identifier patterns."""

    def __init__(self, template: Path, descriptor: dict):
        self.blank, self.required, enums, self.patterns = {}, {}, {}, {}
        for resource in descriptor.get("resources", []):
            name = resource["name"]
            schema = json.loads((template / resource["schema"]).read_text(encoding="utf-8"))
            self.blank[name] = dict.fromkeys((f["name"] for f in schema["fields"]), "")
            self.required[name] = [f["name"] for f in schema["fields"]
                                   if f.get("constraints", {}).get("required")]
            for f in schema["fields"]:
                for key, into in (("enum", enums), ("pattern", self.patterns)):
                    if key in f.get("constraints", {}):
                        into[name, f["name"]] = f["constraints"][key]
        absent = [name for name in TABLES if name not in self.blank]
        if absent:
            raise UsageError(f"the template has no resource {absent[0]!r}")

        def enum(table: str, field: str) -> tuple[str, ...]:
            if (table, field) not in enums:
                raise UsageError(f"the template's {table}.{field} has no enum")
            return tuple(enums[table, field])

        self.predicates = enum("claims", "predicate")  # the first (supplies) is drawn most
        self.categories = enum("claims", "item_category")
        self.item_words = {category: category.replace("-", " ") for category in self.categories}
        self.stances = enum("claims", "stance")  # the first (asserts) is drawn most
        self.period_precisions = enum("claims", "period_precision")
        self.units = enum("claim_evidence", "figure_unit")
        self.qualifiers = ("", *enum("claim_evidence", "figure_qualifier"))
        self.action_types = enum("actions", "action_type")
        self.statuses = enum("actions", "status")

    def id_format(self, table: str, field: str, count: int) -> str:
        """A %-format for identifiers that fit the field's pattern, such as `c-[0-9]{4,}`."""
        pattern = self.patterns.get((table, field), "")
        found = re.fullmatch(r"([a-z]+-)\[0-9\]\{(\d+),?\}", pattern)
        if not found:
            raise UsageError(f"the template's {table}.{field} has no pattern like c-[0-9]{{4,}}")
        return f"{found[1]}%0{max(int(found[2]), len(str(count)))}d"


# ------------------------------------------------------------------ vocabularies

# id | name | type | country | parent | the two forms the background paragraph prints
BASE_ENTITIES = tuple(tuple(cell.strip() for cell in line.split("|")) for line in """
cn | China | country | CN | | China | Beijing
ru | Russia | country | RU | | Russia | Moscow
us | United States | country | US | | the United States | Washington
ua | Ukraine | country | UA | | Ukraine | Kyiv
tr | Turkey | country | TR | | Turkey | Ankara
ae | United Arab Emirates | country | AE | | the United Arab Emirates | the UAE
eu | European Union | international-forum | | | the European Union | the EU
us-doc | US Department of Commerce | government-body | US | us | the U.S. Commerce Department \
| the Commerce Department
us-treasury | US Treasury | government-body | US | us | the U.S. Treasury | the Treasury Department
white-house | The White House | government-body | | us | the White House | White House
cn-mofa | Chinese Foreign Ministry | government-body | CN | cn | China's Foreign Ministry \
| the Chinese Foreign Ministry
eu-council | Council of the EU | government-body | | eu | the Council of the EU | EU governments
ru-armed-forces | Russian armed forces | armed-forces | RU | ru | Russia's armed forces | the army
us-officials | US officials (unnamed) | unnamed-persons | US | | US officials | a US official
cn-companies | Chinese companies (unnamed) | group | CN | | Chinese companies | Chinese firms
ru-defense-industry | Russian defence industry | group | RU | ru | Russia's defense industry \
| arms makers
reuters | Reuters | media | | | Reuters | the Reuters news agency
associated-press | Associated Press | media | | | The Associated Press | AP
afp | Agence France-Presse (AFP) | media | | | Agence France-Presse | AFP
fox-news | Fox News | media | | | Fox News | Fox News Digital
scmp | South China Morning Post | media | | | the South China Morning Post | the SCMP
""".strip().splitlines())
BASE = {row[0]: row for row in BASE_ENTITIES}
# Printed in the first two texts: every form of every base entity, so each has two aliases.
BACKGROUND = "Background: " + "; ".join(f"{row[5]} and {row[6]}" for row in BASE_ENTITIES) + "."
WIRES = ("reuters", "associated-press", "afp")  # the other publishers may republish these
PUBLISHERS = tuple(row[0] for row in BASE_ENTITIES if row[2] == "media")
SUBJECTS = ("cn", "ru", "us", "cn-companies", "ru-defense-industry", "eu")
SUBJECT_COUNTS = (1, 1, 1, 2, 2, 2, 2, 3, 3, 3)  # companies in a sentence
OBJECTS = ("ru", "ru", "ru-armed-forces", "ru-defense-industry", "ua", "cn", "")
ATTRIBUTORS = ("us-officials", "us-treasury", "us-doc", "cn-mofa", "eu-council", "white-house")
AUTHORITIES = ("us-doc", "us-treasury", "eu-council", "white-house")
PARTNERS = ("tr", "ae")  # countries beside China in a list of targets
HEDGES = ("likely", "reportedly", "possibly", "probably")
END_USES = ("for cruise missiles", "to make tanks and aircraft", "for artillery shells")
MEASURES = ("Suppliers need a license to ship goods to them", "Their assets are frozen")
QUARTERS = ("first", "second", "third", "fourth")
MONTHS = tuple(f"{date(2000, month, 1):%B}" for month in range(1, 13))


def listed(words: str) -> tuple[str, ...]:
    return tuple(words.split())


# city, country, the adjective that establishes the country in a text
CITIES = tuple(tuple(city.split(":")) for city in (
    "Shenzhen:CN:Chinese", "Wuhan:CN:Chinese", "Shanghai:CN:China-based", "Harbin:CN:Chinese",
    "Xiamen:CN:China-based", "Hong Kong:HK:Hong Kong-based", "Moscow:RU:Russian",
    "Kazan:RU:Russia-based", "Istanbul:TR:Turkish", "Dubai:AE:UAE-based", "Minsk:BY:Belarusian"))
WORDS = listed("Orient Huaxin Golden Sino Tianrui Everbright Jinlong Hengtong Zhongke Pacific "
               "Redstar Polar Baltic Ural Volga Lotus Phoenix Dragon Harmony Summit Horizon "
               "Meridian Zenith Vector Quantum Stellar Jade Falcon Aurora")
TRADES = listed("Microelectronics Optics Technology Trading Machinery Instruments Semiconductor "
                "Aviation Logistics Components Precision Photonics Navigation Aerospace "
                "Materials Devices Sensors Motors Imaging")
SUFFIXES = ("Co. Ltd.", "Ltd.", "Group", "Corp.", "Holdings", "LLC")
FIRST = listed("Emily John Sarah Michael Rebecca David Laura Kevin Ivan Sergei Olga Dmitry "
               "Wei Ming Hua Jun Megan Brian Rachel Thomas")
INITIALS = tuple("ABCDEFGHJKLMNPRSTVWY")
LAST = listed("Carter Bennett Hayes Sullivan Morgan Foster Reed Brooks Petrov Sokolov Volkov "
              "Morozov Wang Zhang Liu Chen Yang Huang Zhao Powell Jenkins Griffin Hughes Ford")
NATIONALITY = (("US", "US"), ("US", "US"), ("Chinese", "CN"), ("Russian", "RU"))


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def series(items: list[str]) -> str:
    """'a', 'a and b', 'a and b as well as c': no comma, so that most rows need no quoting."""
    return " as well as ".join([" and ".join(items[:2]), *items[2:]])


def share(total: int, parts: int, index: int) -> int:
    """Part `index` of `total` split as evenly as possible into `parts`."""
    return total * (index + 1) // parts - total * index // parts


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def on(day: date) -> str:
    return f"on {day.day} {MONTHS[day.month - 1]} {day.year}"


class Names:
    """Distinct tuples from the product of word lists, in a seeded order (an affine permutation),
    with a numbered round appended once the product is used up."""

    def __init__(self, rng: random.Random, template: str, *lists: tuple):
        self.template, self.lists, self.count = template, lists, 0
        self.capacity = math.prod(map(len, lists))
        self.step = rng.randrange(1, self.capacity)
        while math.gcd(self.step, self.capacity) != 1:
            self.step += 1
        self.offset = rng.randrange(self.capacity)

    def next(self) -> tuple[str, list]:
        """The next name (the tuple through the template), and the tuple."""
        index = (self.count % self.capacity * self.step + self.offset) % self.capacity
        rounds, self.count = self.count // self.capacity, self.count + 1
        picked = []
        for words in self.lists:
            index, position = divmod(index, len(words))
            picked.append(words[position])
        name = self.template.format(*picked)
        return (f"{name} {rounds + 1}" if rounds else name), picked


# ------------------------------------------------------------------ sources and entities


@dataclass
class Source:
    index: int
    source_id: str
    publisher: str
    wire: str  # "" or the wire service whose report the publisher republishes
    day: date  # when it was written; its claims' dates never lie after it
    precision: str  # of its published date


def plan_sources(count: int, rng: random.Random) -> list[Source]:
    """The metadata of every source, in publication order (dates never decrease)."""
    sources = []
    for index in range(count):
        publisher = PUBLISHERS[rng.randrange(len(PUBLISHERS))]
        wire = "" if publisher in WIRES or rng.random() < 0.5 else WIRES[rng.randrange(3)]
        roll = rng.random()
        sources.append(Source(index, f"{publisher}-{index:0{max(3, len(str(count - 1)))}d}",
                              publisher, wire,
                              FIRST_DAY + timedelta(days=SPAN_DAYS * index // count),
                              "day" if roll < 0.7 else "month" if roll < 0.8 else
                              "year" if roll < 0.85 else "unknown"))
    return sources


@dataclass(slots=True)
class Entity:
    entity_id: str
    full: str
    short: str  # later mentions: a substring of `full`
    intro: str  # the first mention, which establishes the country (or parent) if any
    kind: str
    mentioned: bool = False

    def mention(self) -> str:
        if self.mentioned:
            return self.short
        self.mentioned = True
        return self.intro


class EntityFactory:
    """Generated entities with distinct names: four companies to each person."""

    PATTERN = ("company", "company", "person", "company", "company")

    def __init__(self, rng: random.Random, blank: dict[str, dict] | None = None):
        self.rng, self.count = rng, 0
        self.blank = blank or {"entities": {}, "entity_aliases": {}}
        self.names = {"company": Names(rng, "{0[0]} {1} {2} {3}", CITIES, WORDS, TRADES,
                                       SUFFIXES),
                      "person": Names(rng, "{0} {1}. {2}", FIRST, INITIALS, LAST)}

    def make(self, source: Source, companies: list[Entity]) -> tuple[Entity, dict, list[dict]]:
        """An entity, its row and its two alias rows (the forms its text prints)."""
        kind = self.PATTERN[self.count % len(self.PATTERN)]
        self.count += 1
        full, words = self.names[kind].next()
        roll, country, parent = self.rng.random(), "", None
        if kind == "company":
            short = f"{words[1]} {words[2]}"
            if companies and roll < 0.15:  # the text shows the parent, not the country
                parent = companies[-1]
                intro = f"{parent.short} subsidiary {full}"
            else:
                country, intro = words[0][1], f"{words[0][2]} firm {full}"
        else:
            short = words[2]
            if companies and roll < 0.25:
                parent = companies[int(roll * 4 * len(companies))]
                intro = f"{parent.short} executive {full}"
            else:
                adjective, country = NATIONALITY[int(roll * 16) % 4]
                intro = f"{adjective} official {full}"
        entity = Entity(slug(full), full, short, intro, kind)
        row = {**self.blank["entities"], "entity_id": entity.entity_id, "name": full,
               "entity_type": kind, "parent_entity_id": parent.entity_id if parent else ""}
        if country:  # "Chinese firm ...", "Russian official ...": the nationality the text says
            row.update(country=country, country_source_id=source.source_id, country_quote=intro,
                       country_basis="nationality")
        return entity, row, [{**self.blank["entity_aliases"], "entity_id": entity.entity_id,
                              "source_id": source.source_id, "surface_form": form}
                             for form in (full, short)]


def base_entity_rows(model: Model, first: Source, second: Source) -> tuple[list, list]:
    """The base entities, with their forms in the background of the first two texts."""
    entities, aliases = [], []
    for entity_id, name, kind, country, parent, form, other in BASE_ENTITIES:
        row = {**model.blank["entities"], "entity_id": entity_id, "name": name,
               "entity_type": kind, "parent_entity_id": parent}
        if country:
            row.update(country=country, country_source_id=first.source_id, country_quote=form,
                       country_basis="is-the-country" if kind == "country" else
                       "government-organ")
        entities.append(row)
        aliases += [{**model.blank["entity_aliases"], "entity_id": entity_id,
                     "source_id": source.source_id, "surface_form": words}
                    for source, words in ((first, form), (second, other))]
    return entities, aliases


# ------------------------------------------------------------------ one source's text and rows


class SourceBuilder:
    """Writes the text of one source sentence by sentence, and the rows that quote it (their
    identifiers are given when they are written, by `Writer.source`)."""

    def __init__(self, model: Model, rng: random.Random, source: Source,
                 following: Source | None, factory: EntityFactory, entity_count: int,
                 echoes: list[str]):
        self.model, self.rng, self.random = model, rng, rng.random
        self.source, self.following = source, following
        self.sentences: list[str] = []
        self.received = echoes  # the previous source's sentences this one repeats
        self.echoes: list[str] = []  # sentences the next source repeats
        self.groups: list[tuple[list[dict], list[dict], bool]] = []
        self.actions: list[tuple[dict, list[dict], list[dict]]] = []
        self.entities, self.aliases, self.companies, self.people = [], [], [], []
        for _ in range(entity_count):
            entity, row, aliases = factory.make(source, self.companies)
            self.entities.append(row)
            self.aliases += aliases
            (self.companies if entity.kind == "company" else self.people).append(entity)

    def pick(self, options):
        return options[int(self.random() * len(options))]

    def period(self) -> dict:
        """A period that ends before the source's date, at one of the schema's precisions."""
        when = self.source.day - timedelta(days=self.rng.randrange(400, 800))
        precision, year, month = self.pick(self.model.period_precisions), when.year, when.month
        first = month - (month - 1) % 3  # of the quarter
        start, after, phrase = {
            "year": (date(year, 1, 1), date(year + 1, 1, 1), f"in {year}"),
            "quarter": (date(year, first, 1), date(year + (first > 9), (first + 2) % 12 + 1, 1),
                        f"in the {QUARTERS[first // 3]} quarter of {year}"),
            "month": (date(year, month, 1), date(year + month // 12, month % 12 + 1, 1),
                      f"in {MONTHS[month - 1]} {year}"),
        }.get(precision, (when, when + timedelta(days=1), on(when)))
        return {"phrase": phrase, "period_start": str(start),
                "period_end": str(after - timedelta(days=1)), "period_precision": precision,
                "period_note": f"From “{phrase}”."}

    def figure(self) -> dict:
        """A figure in one of the schema's units, with or without a qualifier."""
        unit, qualifier = self.pick(self.model.units), self.pick(self.model.qualifiers)
        value = self.rng.randrange(*{"percent": (5, 96), "years": (1, 4)}.get(unit, (2, 400)))
        number = {"percent": f"{value}%", "usd": f"${value} million",
                  "years": f"{value} years"}.get(unit, str(value))
        return {"figure_as_stated": f"{qualifier.replace('-', ' ')} {number}".lstrip(),
                "figure_value": str(value * 1_000_000 if unit == "usd" else value),
                "figure_unit": unit, "figure_qualifier": qualifier}

    def statement(self) -> None:
        """One sentence: companies (or a base entity), a predicate of the schema, perhaps
        goods, an end use, a figure, a period, a hedge, an attribution and a stance; a claim
        for each subject and each of the goods, all quoting the sentence."""
        rand, source, model, pick = self.random, self.source, self.model, self.pick
        predicates, words, companies = model.predicates, model.item_words, self.companies
        predicate = predicates[0] if rand() < 0.4 else predicates[int(rand() * len(predicates))]
        if companies and rand() < 0.75:
            start, count = int(rand() * len(companies)), SUBJECT_COUNTS[int(rand() * 10)]
            subjects = (companies * 3)[start:start + min(count, len(companies))]
            ids, names = [e.entity_id for e in subjects], [e.mention() for e in subjects]
        else:
            subject = SUBJECTS[int(rand() * len(SUBJECTS))]
            ids, names = [subject], [BASE[subject][5]]
        object_id = OBJECTS[int(rand() * len(OBJECTS))]
        object_id = "" if object_id in ids else object_id
        claim = {**model.blank["claims"], "predicate": predicate, "object_entity_id": object_id,
                 "is_forecast": "false"}
        verb = predicate.replace("-", " ")
        if rand() < 0.15:
            claim["hedge_as_stated"] = hedge = pick(HEDGES)
            verb = f"{hedge} {verb}"
        body = f"{series(names)} {verb}"
        goods = ()
        if rand() < 0.85:  # one to four categories, in the schema's order
            start = int(rand() * len(model.categories))
            goods = (model.categories * 2)[start:start + 1 + int(rand() * 4)]
            body += " " + series([words[category] for category in goods])
            if rand() < 0.2:
                claim["end_use_as_stated"] = end_use = pick(END_USES)
                body += " " + end_use
        if object_id:
            body += " to " + BASE[object_id][5]
        figure = {}
        if rand() < 0.1:
            figure = self.figure()
            body += f" ({figure['figure_as_stated']})"
            claim.update(quantity_value=figure["figure_value"],
                         quantity_unit=figure["figure_unit"],
                         quantity_qualifier=figure["figure_qualifier"])
        roll = rand()
        if roll < 0.03:  # a plan for next year: the period lies after publication
            year = source.day.year + 1
            body = body.replace(f" {verb}", f" plans to {verb}", 1) + f" in {year}"
            claim.update(period_start=f"{year}-01-01", period_end=f"{year}-12-31",
                         period_precision="year", period_note=f"From “in {year}”.",
                         hedge_as_stated="plans to", is_forecast="true")
        elif roll < 0.23:
            period = self.period()
            body += " " + period.pop("phrase")
            claim.update(period)
        asserts = model.stances[0]
        stance = asserts if rand() < 0.85 else pick(model.stances[1:])
        if stance != asserts or rand() < 0.5:  # "The Treasury Department denies that ..."
            by = pick(ATTRIBUTORS)
            attribution = f"{cap(BASE[by][6])} {stance.replace('-', ' ')}"
            if stance == asserts:
                attribution = f"{cap(BASE[by][6])} said"
                if rand() < 0.2:
                    when = source.day - timedelta(days=self.rng.randrange(0, 7))
                    attribution += " " + on(when)
                    claim.update(asserted_date=str(when), asserted_date_precision="day",
                                 asserted_date_note=f"Stated as “{on(when)}”.")
            sentence = f"{attribution} that {body}."
        else:
            by, attribution, sentence = source.wire or source.publisher, "", cap(body) + "."
        claim.update(asserted_by_entity_id=by, stance=stance)
        claims = [dict(claim, subject_entity_id=subject, item_category=category,
                       item_as_stated=words[category]) for subject in ids for category in goods
                  ] or [dict(claim, subject_entity_id=subject) for subject in ids]
        evidence = [{**model.blank["claim_evidence"], "source_id": source.source_id,
                     "quote": sentence, "attribution_as_stated": attribution, **figure}]
        if self.following is not None and rand() < ECHO_SHARE:
            self.echoes.append(sentence)
            evidence.append({**evidence[0], "source_id": self.following.source_id,
                             "notes": "Repeats an earlier report."})
        self.sentences.append(sentence)
        self.groups.append((claims, evidence, rand() < 0.5))

    def claims(self, quota: int) -> None:
        """Sentences until they hold `quota` claims (the last group is cut to fit)."""
        held = 0
        while held < quota:
            self.statement()
            claims = self.groups[-1][0]
            del claims[quota - held:]
            held += len(claims)

    def action(self) -> None:
        """An action of the schema's types and statuses, its two quotes, and its targets: a
        named company, counts by country, perhaps the derived rest."""
        rng, source, model, blank = self.rng, self.source, self.model, self.model.blank
        authority, kind, status = (self.pick(AUTHORITIES), self.pick(model.action_types),
                                   self.pick(model.statuses))
        total = rng.randrange(8, 60)
        chinese = rng.randrange(total // 2, total - 1)
        other = rng.randrange(1, total - chinese)
        rest, partner = total - chinese - other, self.pick(PARTNERS)
        reason = f"for supplying {self.pick(model.categories)} to Russia"
        instrument, measure = kind.replace("-", " "), self.pick(MEASURES)
        row = {**blank["actions"], "authority_entity_id": authority,
               "announced_by_entity_id": self.pick((authority, "")), "action_type": kind,
               "status": status, "instrument_as_stated": instrument,
               "measure_as_stated": measure, "reason_as_stated": reason,
               "target_count_total": str(total), "action_date_precision": "unknown",
               "action_date_note": "The text does not say when."}
        said = "said"
        if self.random() < 0.85:
            when = source.day - timedelta(days=rng.randrange(1, 7))
            row.update(action_date=str(when), action_date_precision="day",
                       action_date_note=f"Stated as “{on(when)}”.")
            said = f"said {on(when)}"
        first = (f"{cap(BASE[authority][5])} {said} that it had {status} {instrument} against "
                 f"{total} entities including {chinese} in China and {other} in "
                 f"{BASE[partner][5]} {reason}.")
        second = f"{measure}."
        target = {**blank["action_targets"], "target_count_basis": "stated"}
        targets = [{**target, "target_country": "CN", "target_count": str(chinese)},
                   {**target, "target_country": BASE[partner][3], "target_count": str(other)}]
        if self.random() < 0.3:
            targets.append({**target, "target_count": str(rest), "target_count_basis": "derived",
                            "notes": f"“the rest”: {total} - {chinese} - {other} = {rest}."})
        if self.companies:
            named = self.pick(self.companies)
            second = f"The entities include {named.mention()}. {second}"
            targets.insert(0, {**blank["action_targets"], "target_entity_id": named.entity_id})
        self.sentences += [first, second]
        self.actions.append((row, [{**blank["action_evidence"], "source_id": source.source_id,
                                    "quote": quote} for quote in (first, second)], targets))

    def text(self) -> tuple[str, dict]:
        """The archived text, and its sources row but for the archive's name and hash."""
        source, rand = self.source, self.random
        unnamed = [e for e in self.companies + self.people if not e.mentioned]
        if unnamed:
            self.sentences.append("The findings also named "
                                  + series([e.mention() for e in unnamed]) + ".")
        sentences = self.sentences[:1] + self.received + self.sentences[1:]
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        if source.index < 2:
            paragraphs.append(BACKGROUND)
        title = (f"Sanctions Target {len(self.companies) or 2} Suppliers of Russia's Military"
                 if rand() < 0.7 else "")
        day, publisher = source.day, BASE[source.publisher][1]
        dated, published, note = {
            "day": (f"{MONTHS[day.month - 1]} {day.day}, {day.year}", str(day),
                    "Stated in the text as"),
            "month": (f"Updated {MONTHS[day.month - 1]} {day.year}", str(day.replace(day=1)),
                      "The text gives only the month:"),
            "year": (f"© {day.year} {publisher}", f"{day.year}-01-01",
                     "The text gives only the year:"),
        }.get(source.precision, ("", "", ""))
        text = "\n".join([line for line in (title, dated) if line] + ["", *paragraphs]) + "\n"
        notes = "Synthetic text generated by tools/synth.py."
        if source.wire:
            notes = f"{BASE[source.wire][1]} report as republished by {publisher}. " + notes
        url = (f"https://www.example.com/{source.publisher}/{slug(title or 'report')}-"
               f"{source.index}" if rand() < 0.5 else "")
        return text, {
            **self.model.blank["sources"], "source_id": source.source_id,
            "publisher_entity_id": source.publisher, "wire_service_entity_id": source.wire,
            "title": title, "published_date": published,
            "published_date_precision": source.precision,
            "published_date_note": f"{note} “{dated}”." if dated else "", "url": url,
            "language": "en", "notes": notes, "source_kind": "news-report"}


# ------------------------------------------------------------------ writing the package


class Writer:
    """The package's CSV files, as `csv.writer` writes them: rows (the schema's blank row,
    filled in) in the schema's column order, checked to fill only the schema's columns and,
    in each table's first row, every column it requires."""

    def __init__(self, out: Path, model: Model, claims: int, actions: int):
        self.model, self.files, self.rows = model, {}, {}
        self.ids = {table: model.id_format(table, field, count) for table, field, count in (
            ("claims", "claim_id", claims), ("claim_evidence", "evidence_id", 2 * claims + 1),
            ("actions", "action_id", actions), ("action_evidence", "evidence_id", 2 * actions + 1))}
        self.numbers = dict.fromkeys(self.ids, 0)  # the last identifier given, of each table
        for name, blank in model.blank.items():
            self.files[name] = (out / "data" / f"{name}.csv").open(
                "w", encoding="utf-8", newline="", buffering=1 << 20)
            self.files[name].write(",".join(blank) + "\n")
            self.rows[name] = 0

    def table(self, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        fields = tuple(self.model.blank[name])
        if set(map(len, rows)) != {len(fields)}:  # a column beside the blank row's
            unknown = next(key for row in rows for key in row if key not in fields)
            raise UsageError(f"the template's {name} has no column {unknown!r}")
        unfilled = [field for field in self.model.required[name] if not rows[0][field]]
        if unfilled and not self.rows[name]:
            raise UsageError(f"the template's {name} requires {unfilled[0]!r}, which the "
                             "generator does not fill")
        # A row built on the blank row holds its cells in the schema's order: joined as they
        # are, but for the rows with a cell to quote, which csv.writer writes.
        lines = list(map(",".join, map(list, map(dict.values, rows))))  # faster than the view
        commas = len(fields) - 1
        text = "\n".join(lines)
        if '"' in text or text.count(",") != commas * len(rows):
            quoted = [i for i, line in enumerate(lines)
                      if line.count(",") != commas or '"' in line]
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows[i].values() for i in quoted)
            for i, line in zip(quoted, buffer.getvalue().split("\n"), strict=False):
                lines[i] = line
            text = "\n".join(lines)
        self.files[name].write(text + "\n")
        self.rows[name] += len(rows)

    def source(self, builder: SourceBuilder) -> None:
        """One source's rows, numbered on from the previous source's."""
        self.table("entities", builder.entities)
        self.table("entity_aliases", builder.aliases)
        claims, evidence, ids, numbers = [], [], self.ids, self.numbers
        claim_id, evidence_id = ids["claims"], ids["claim_evidence"]
        number, evidence_number = numbers["claims"], numbers["claim_evidence"]
        for group, quotes, cross_reference in builder.groups:
            first = ""
            for claim in group:
                number += 1
                claim["claim_id"] = cid = claim_id % number
                if first and cross_reference:
                    claim["notes"] = f"Same quote as {first}."
                first = first or cid
                claims.append(claim)
                for quoted in quotes:
                    evidence_number += 1
                    evidence.append(dict(quoted, evidence_id=evidence_id % evidence_number,
                                         claim_id=cid))
        numbers["claims"], numbers["claim_evidence"] = number, evidence_number
        self.table("claims", claims)
        self.table("claim_evidence", evidence)
        targets, action_evidence, previous = [], [], ""
        for action, quotes, target_rows in builder.actions:
            numbers["actions"] += 1
            action["action_id"] = aid = ids["actions"] % numbers["actions"]
            if previous:
                action["notes"] = f"See also {previous} (the same text)."
            previous = aid
            targets += [{**target, "action_id": aid, "target_no": str(index)}
                        for index, target in enumerate(target_rows, 1)]
            for quoted in quotes:
                numbers["action_evidence"] += 1
                action_evidence.append({**quoted, "action_id": aid, "evidence_id":
                                        ids["action_evidence"] % numbers["action_evidence"]})
        self.table("actions", [action for action, _, _ in builder.actions])
        self.table("action_targets", targets)
        self.table("action_evidence", action_evidence)


def generate(out: Path, model: Model, claims: int, rng: random.Random) -> dict[str, int]:
    """Write data/*.csv and sources/*.txt; return the row count of each table."""
    count = max(MIN_SOURCES, round(claims / CLAIMS_PER_SOURCE))
    sources = plan_sources(count, rng)
    entity_total = round(claims * ENTITIES_PER_CLAIM)
    action_total = round(claims * ACTIONS_PER_CLAIM)
    factory = EntityFactory(rng, model.blank)
    (out / "sources").mkdir()
    writer = Writer(out, model, claims, action_total)
    try:
        for table, rows in zip(("entities", "entity_aliases"),
                               base_entity_rows(model, sources[0], sources[1]), strict=True):
            writer.table(table, rows)
        echoes: list[str] = []
        for index, source in enumerate(sources):
            following = sources[index + 1] if index + 1 < count else None
            builder = SourceBuilder(model, rng, source, following, factory,
                                    share(entity_total, count, index), echoes)
            builder.claims(share(claims, count, index))
            for _ in range(share(action_total, count, index)):
                builder.action()
            echoes = builder.echoes
            text, row = builder.text()
            data = text.encode("utf-8")
            row["archive_sha256"] = digest = hashlib.sha256(data).hexdigest()
            row["archive_file"] = name = f"{index:06d}_{digest[:16]}.txt"
            (out / "sources" / name).write_bytes(data)
            writer.table("sources", [row])
            writer.source(builder)
    finally:
        for file in writer.files.values():
            file.close()
    return writer.rows


def synthesize(template: Path, out: Path, claims: int, seed: int, corrupt: int = 0) -> list[dict]:
    """Write a synthetic package of `template`'s model to `out` (which must not exist or be
    empty): descriptor, schemas, build scripts, data and the archived texts in `out/sources`.

    `corrupt=K` plants K errors (kinds in turn, see `ERROR_KINDS`), writes them to
    `out/planted.json` and returns them as {"code", "file", "row", "field"}; otherwise [].
    """
    template, out = Path(template), Path(out)
    if claims < 0 or corrupt < 0:
        raise UsageError("claims and corrupt must not be negative")
    if corrupt and corrupt > (claims - 1) // 2:
        raise UsageError(f"{corrupt} errors need at least {2 * corrupt + 1} claims")
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{out} is not empty")
    descriptor = json.loads((template / "datapackage.json").read_text(encoding="utf-8"))
    model = Model(template, descriptor)
    (out / "data").mkdir(parents=True, exist_ok=True)
    try:
        shutil.copytree(template / "schemas", out / "schemas")
        if (template / "scripts").is_dir():  # the model's build SQL: the package builds the same
            shutil.copytree(template / "scripts", out / "scripts")
        generate(out, model, claims, random.Random(seed))
    except UsageError:  # leave `out` as it was: empty
        for name in ("data", "schemas", "scripts", "sources"):
            shutil.rmtree(out / name, ignore_errors=True)
        raise
    descriptor.update({
        "name": "cnru-synthetic",
        "title": f"Synthetic package of the {descriptor.get('name', 'cnru')} model",
        "description": (f"Synthetic data generated by tools/synth.py (seed {seed}, {claims} "
                        "claims): invented texts, entities, claims and actions in the model of "
                        f"{descriptor.get('name', 'the template')}. Not a record of real events."),
        "sources": [{"title": "Synthetic texts generated by tools/synth.py, in sources/"}],
    })
    # last, so that an interrupted run leaves no package that looks complete
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False)
                                          + "\n", encoding="utf-8")
    if not corrupt:
        return []
    planted = plant(out, model, claims, seed, corrupt)
    (out / "planted.json").write_text(json.dumps(planted, indent=2) + "\n", encoding="utf-8")
    return planted


# ------------------------------------------------------------------ planted errors

# Each kind of error, in turn, and the cells it changes (None: computed); the first is the field
# it is reported on (missing-cell: the row's last). The kinds that may sit in either table
# alternate; claim-without-evidence drops the evidence rows of its claim.
PLANTED = {"type-error": {"period_start": "2023-13-45"},
           "constraint-error": {"predicate": "sells-to"},
           "foreign-key": {"subject_entity_id": "no-such-entity"},
           "primary-key": {"evidence_id": None}, "missing-cell": {}, "extra-cell": {},
           "quote-not-in-source": {"quote": None},
           # aligned with its precision, early enough for any source
           "period-order": {"period_end": "2018-12-31", "period_start": "2019-01-01",
                            "period_precision": "year", "period_note": "Planted: ends first."},
           "claim-without-evidence": {"claim_id": None},
           "formula-injection": {"notes": '=HYPERLINK("https://example.com/","x")'}}
ERROR_KINDS = tuple(PLANTED)
EVIDENCE_ONLY, BOTH = ("primary-key", "quote-not-in-source"), ("missing-cell", "extra-cell",
                                                               "formula-injection")


def plant(out: Path, model: Model, claims: int, seed: int, count: int) -> list[dict]:
    """Rewrite claims.csv and claim_evidence.csv with `count` errors, each on its own claim
    (never claim 1, whose first evidence id `primary-key` repeats); list them."""
    rng = random.Random(f"cnru.synth plantings {seed}")
    claim_id = model.id_format("claims", "claim_id", claims)
    plantings = []
    for index, number in enumerate(rng.sample(range(2, claims + 1), count)):
        code = ERROR_KINDS[index % len(ERROR_KINDS)]
        in_evidence = code in EVIDENCE_ONLY or code in BOTH and index // len(ERROR_KINDS) % 2
        table = "claim_evidence" if in_evidence else "claims"
        field = list(model.blank[table])[-1] if code == "missing-cell" else next(
            iter(PLANTED[code]), None)
        plantings.append({"code": code, "file": f"data/{table}.csv", "row": None,
                          "field": field, "claim": claim_id % number})
    dropped = {p["claim"] for p in plantings if p["code"] == "claim-without-evidence"}
    for table in ("claims", "claim_evidence"):
        rewrite(out / "data" / f"{table}.csv",
                {p["claim"]: p for p in plantings if p["file"] == f"data/{table}.csv"},
                dropped if table == "claim_evidence" else set())
    return [{key: p[key] for key in ("code", "file", "row", "field")} for p in plantings]


def rewrite(path: Path, plantings: dict[str, dict], dropped: set[str]) -> None:
    """Rewrite `path` with the rows of `dropped` claims left out, and the first row of each
    planted claim changed (its row number noted in the planting)."""
    with open(path, encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    position = {name: index for index, name in enumerate(rows[0])}
    # claim 1's first evidence id, never dropped nor edited
    first_id = rows[1][position["evidence_id"]] if "evidence_id" in position else ""
    kept = [rows[0]]
    for cells in rows[1:]:
        claim = cells[position["claim_id"]]
        planting = plantings.pop(claim, None) if claim not in dropped else None
        if planting is not None:
            planting["row"], code = len(kept), planting["code"]
            computed = {"quote": "Allegedly, " + cells[position.get("quote", 0)],  # a word added
                        "evidence_id": first_id, "claim_id": claim}
            for name, value in PLANTED[code].items():
                cells[position[name]] = computed[name] if value is None else value
            cells = cells[:-1] if code == "missing-cell" else (
                [*cells, "extra"] if code == "extra-cell" else cells)
        if claim not in dropped:
            kept.append(cells)
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as target:
        csv.writer(target, lineterminator="\n").writerows(kept)
    temporary.replace(path)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Write a synthetic package of the cnru model.")
    parser.add_argument("out", type=Path, help="directory to write the package to")
    parser.add_argument("--claims", type=int, default=10_000, help="number of claims")
    parser.add_argument("--seed", type=int, default=0, help="random seed; same seed, same files")
    parser.add_argument("--corrupt", type=int, default=0,
                        help="plant this many known errors, listed in OUT/planted.json")
    args = parser.parse_args(argv)
    try:
        planted = synthesize(ROOT, args.out, args.claims, args.seed, args.corrupt)
    except UsageError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({args.claims} claims, {len(planted)} planted errors)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
