"""Synthetic packages of the cnru model, for benchmarks and validator tests: a development
tool, not part of the installed package.

    python tools/synth.py OUT --claims 10000 --seed 1 [--corrupt K]

`synthesize(template, out, claims, seed)` writes a complete, valid package beside its own
archived texts: the template's descriptor, schemas and build scripts, its tables and
`sources/*.txt`. Every quote, alias and as-stated value is a verbatim substring of a generated
text; dates, periods, figures and counts follow every rule of `cnru validate`. `corrupt=K` then
plants K errors of mixed kinds and lists them in `planted.json`, so a test can check that each
one is reported.

What the Table Schemas say is read from them: the columns and their order (rows are dicts,
written in the schema's order, the columns a row lacks left empty), the vocabularies (predicates,
item categories, stances, units, qualifiers, precisions, action types and statuses) and the
identifier patterns. Texts are built source by source (about 100 claims each), a sentence at a
time; each sentence yields a few claims that share its quote, and some are repeated by the next
source, so their claims get a second evidence row. The same arguments give byte-identical files.
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
from datetime import date, timedelta
from pathlib import Path

from cnru.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
CLAIMS_PER_SOURCE = 100
MIN_SOURCES = 3
ENTITIES_PER_CLAIM = 0.1  # generated entities, besides the base entities
ACTIONS_PER_CLAIM = 0.04
ECHO_SHARE = 0.1  # sentences the next source repeats
FIRST_DAY, SPAN_DAYS = date(2022, 3, 1), 1200

# ------------------------------------------------------------------ the model, from the schemas


class Model:
    """The template's Table Schemas: each table's fields (and a blank row of them), its
    required fields, the vocabularies the generator draws from and the identifier patterns."""

    def __init__(self, template: Path, descriptor: dict):
        self.fields, self.required, self.blank, enums, self.patterns = {}, {}, {}, {}, {}
        for resource in descriptor.get("resources", []):
            name = resource["name"]
            schema = json.loads((template / resource["schema"]).read_text(encoding="utf-8"))
            self.fields[name] = tuple(f["name"] for f in schema["fields"])
            self.blank[name] = dict.fromkeys(self.fields[name], "")
            self.required[name] = {f["name"] for f in schema["fields"]
                                   if f.get("constraints", {}).get("required")}
            for f in schema["fields"]:
                constraints = f.get("constraints", {})
                if "enum" in constraints:
                    enums[name, f["name"]] = tuple(constraints["enum"])
                if "pattern" in constraints:
                    self.patterns[name, f["name"]] = constraints["pattern"]
        absent = [name for name in TABLES if name not in self.fields]
        if absent:
            raise UsageError(f"the template has no resource {absent[0]!r}")

        def enum(table: str, field: str) -> tuple[str, ...]:
            if (table, field) not in enums:
                raise UsageError(f"the template's {table}.{field} has no enum")
            return enums[table, field]

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
        found = re.fullmatch(r"([a-z]+-)\[0-9\]\{(\d+),?\}", self.patterns.get((table, field), ""))
        if not found:
            raise UsageError(f"the template's {table}.{field} has no pattern like 'c-[0-9]{{4,}}'")
        return f"{found[1]}%0{max(int(found[2]), len(str(count)))}d"


TABLES = ("sources", "entities", "entity_aliases", "claims", "claim_evidence", "actions",
          "action_targets", "action_evidence")  # the tables the generator fills

# ------------------------------------------------------------------ vocabularies

# id, name, type, country, parent, the two forms the background paragraph prints
BASE_ENTITIES = (
    ("cn", "China", "country", "CN", "", "China", "Beijing"),
    ("ru", "Russia", "country", "RU", "", "Russia", "Moscow"),
    ("us", "United States", "country", "US", "", "the United States", "Washington"),
    ("ua", "Ukraine", "country", "UA", "", "Ukraine", "Kyiv"),
    ("tr", "Turkey", "country", "TR", "", "Turkey", "Ankara"),
    ("ae", "United Arab Emirates", "country", "AE", "", "the United Arab Emirates", "the UAE"),
    ("kz", "Kazakhstan", "country", "KZ", "", "Kazakhstan", "Astana"),
    ("in", "India", "country", "IN", "", "India", "New Delhi"),
    ("eu", "European Union", "international-forum", "", "", "the European Union", "the EU"),
    ("g7", "Group of Seven (G7)", "international-forum", "", "", "the Group of Seven", "G7"),
    ("us-doc", "US Department of Commerce", "government-body", "US", "us",
     "the U.S. Department of Commerce", "the Commerce Department"),
    ("bis", "Bureau of Industry and Security", "government-body", "US", "us-doc",
     "the U.S. Bureau of Industry and Security", "BIS"),
    ("us-treasury", "US Treasury", "government-body", "US", "us", "the U.S. Treasury",
     "the Treasury Department"),
    ("ofac", "Office of Foreign Assets Control", "government-body", "US", "us-treasury",
     "the U.S. Office of Foreign Assets Control", "OFAC"),
    ("white-house", "The White House", "government-body", "", "us", "the White House",
     "White House"),
    ("cn-mofa", "Ministry of Foreign Affairs of China", "government-body", "CN", "cn",
     "China's Foreign Ministry", "the Chinese Foreign Ministry"),
    ("eu-council", "Council of the European Union", "government-body", "", "eu",
     "the Council of the European Union", "EU governments"),
    ("ru-armed-forces", "Russian armed forces", "armed-forces", "RU", "ru",
     "Russia's armed forces", "the Russian military"),
    ("us-officials", "US officials (unnamed)", "unnamed-persons", "US", "", "US officials",
     "a senior US official"),
    ("cn-officials", "Chinese officials (unnamed)", "unnamed-persons", "CN", "",
     "Chinese officials", "officials in Beijing"),
    ("cn-companies", "Chinese companies (unnamed)", "group", "CN", "", "Chinese companies",
     "Chinese firms"),
    ("ru-defense-industry", "Russian defence industry", "group", "RU", "ru",
     "Russia's defense industry", "Russia's military-industrial base"),
    ("reuters", "Reuters", "media", "", "", "Reuters", "the Reuters news agency"),
    ("associated-press", "Associated Press", "media", "", "", "The Associated Press", "AP"),
    ("afp", "Agence France-Presse (AFP)", "media", "", "", "Agence France-Presse", "AFP"),
    ("bloomberg", "Bloomberg News", "media", "", "", "Bloomberg News", "Bloomberg"),
    ("fox-news", "Fox News", "media", "", "", "Fox News", "Fox News Digital"),
    ("kyiv-independent", "The Kyiv Independent", "media", "", "", "The Kyiv Independent",
     "Kyiv Independent"),
    ("scmp", "South China Morning Post", "media", "", "", "the South China Morning Post",
     "the SCMP"),
)
BASE = {row[0]: row for row in BASE_ENTITIES}
# Printed in the first two texts: every form of every base entity, so each has two aliases.
BACKGROUND = "Background: " + "; ".join(f"{row[5]} and {row[6]}" for row in BASE_ENTITIES) + "."
WIRES = ("reuters", "associated-press", "afp")  # the others may republish one of these
PUBLISHERS = tuple(row[0] for row in BASE_ENTITIES if row[2] == "media")
SUBJECTS = ("cn", "ru", "us", "cn-companies", "ru-defense-industry", "eu")
OBJECTS = ("ru", "ru", "ru-armed-forces", "ru-defense-industry", "ua", "cn", "")
ATTRIBUTORS = ("us-officials", "us-treasury", "us-doc", "cn-mofa", "eu-council", "white-house")
AUTHORITIES = ("us-doc", "us-treasury", "eu-council", "white-house")
PARTNERS = ("tr", "ae", "kz", "in")  # countries beside China in a list of targets
HEDGES = ("likely", "reportedly", "possibly", "probably")
END_USES = ("for cruise missiles", "to make tanks and aircraft", "for artillery shells",
            "for use in drones")
MEASURES = ("Suppliers need a license to ship goods to them",
            "Any of their assets in the jurisdiction are frozen")
QUARTERS = ("first", "second", "third", "fourth")
MONTHS = tuple(f"{date(2000, month, 1):%B}" for month in range(1, 13))
SUBJECT_COUNTS = (1, 1, 1, 1, 2, 2, 2, 3, 3, 3)
DATELINES = ("Washington", "Brussels", "Beijing", "Moscow", "Kyiv", "Hong Kong", "")
WRITERS = ("Anna Fischer", "David Moreno", "Olena Petrenko", "Chen Wei", "Sarah Walsh", "")

# city, country, the adjective that establishes the country in a text
CITIES = (("Shenzhen", "CN", "Chinese"), ("Wuhan", "CN", "Chinese"),
          ("Shanghai", "CN", "Chinese"), ("Chengdu", "CN", "China-based"),
          ("Harbin", "CN", "Chinese"), ("Xiamen", "CN", "China-based"),
          ("Hong Kong", "HK", "Hong Kong-based"), ("Moscow", "RU", "Russian"),
          ("Kazan", "RU", "Russia-based"), ("Istanbul", "TR", "Turkish"),
          ("Dubai", "AE", "UAE-based"), ("Almaty", "KZ", "Kazakh"), ("Minsk", "BY", "Belarusian"))
WORDS = ("Orient", "Huaxin", "Golden", "Sino", "Tianrui", "Everbright", "Jinlong", "Hengtong",
         "Zhongke", "Greatwall", "Pacific", "Redstar", "Polar", "Baltic", "Ural", "Volga",
         "Lotus", "Phoenix", "Dragon", "Harmony", "Summit", "Horizon", "Meridian", "Zenith",
         "Vector", "Quantum", "Stellar", "Jade", "Falcon", "Aurora")
TRADES = ("Microelectronics", "Optics", "Technology", "Trading", "Machinery", "Instruments",
          "Semiconductor", "Aviation", "Logistics", "Components", "Precision", "Photonics",
          "Navigation", "Aerospace", "Materials", "Devices", "Sensors", "Motors", "Imaging")
SUFFIXES = ("Co., Ltd.", "Ltd.", "Group", "Corp.", "Holdings", "LLC")
FIELDS = ("Optics", "Electronics", "Radio Engineering", "Applied Physics", "Aviation Engines",
          "Navigation", "Photonics", "Propulsion", "Sensors", "Lasers", "Avionics", "Robotics")
TOPICS = ("Strategic Studies", "Trade Policy", "Sanctions Research", "Eurasian Affairs",
          "Export Control Research", "Defense Analysis", "Economic Security", "Arms Control")
FIRST = ("Emily", "John", "Sarah", "Michael", "Rebecca", "David", "Laura", "Kevin", "Ivan",
         "Sergei", "Olga", "Dmitry", "Wei", "Ming", "Hua", "Jun", "Megan", "Brian", "Rachel",
         "Thomas")
INITIALS = tuple("ABCDEFGHJKLMNPRSTVWY")
LAST = ("Carter", "Bennett", "Hayes", "Sullivan", "Morgan", "Foster", "Reed", "Brooks",
        "Petrov", "Sokolov", "Volkov", "Morozov", "Wang", "Zhang", "Liu", "Chen", "Yang",
        "Huang", "Zhao", "Powell", "Jenkins", "Griffin", "Hughes", "Ford", "Graham")
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

    def __init__(self, rng: random.Random, *lists: tuple):
        self.lists, self.capacity, self.count = lists, math.prod(map(len, lists)), 0
        self.step = rng.randrange(1, self.capacity)
        while math.gcd(self.step, self.capacity) != 1:
            self.step += 1
        self.offset = rng.randrange(self.capacity)

    def next(self, template: str) -> tuple[str, list]:
        """The next tuple through `template` ({0}, {1}, ...), numbered from the second round;
        and the tuple."""
        index = (self.count % self.capacity * self.step + self.offset) % self.capacity
        rounds, self.count = self.count // self.capacity, self.count + 1
        picked = []
        for words in self.lists:
            index, position = divmod(index, len(words))
            picked.append(words[position])
        name = template.format(*picked)
        return (f"{name} {rounds + 1}" if rounds else name), picked


# ------------------------------------------------------------------ sources and entities


class Source:
    def __init__(self, index: int, count: int, rng: random.Random):
        self.index = index
        self.publisher = PUBLISHERS[rng.randrange(len(PUBLISHERS))]
        self.wire = ("" if self.publisher in WIRES or rng.random() < 0.5 else
                     WIRES[rng.randrange(len(WIRES))])
        self.source_id = f"{self.publisher}-{index:0{max(3, len(str(count - 1)))}d}"
        self.day = FIRST_DAY + timedelta(days=SPAN_DAYS * index // count)
        roll = rng.random()
        self.precision = ("day" if roll < 0.7 else "month" if roll < 0.8 else
                          "year" if roll < 0.85 else "unknown")
        self.by = self.wire or self.publisher  # who asserts what the report says itself


def plan_sources(count: int, rng: random.Random) -> list[Source]:
    """The metadata of every source, in publication order (dates never decrease)."""
    return [Source(index, count, rng) for index in range(count)]


class Entity:
    __slots__ = ("entity_id", "full", "short", "intro", "kind", "mentioned")

    def __init__(self, full: str, short: str, intro: str, kind: str):
        self.entity_id, self.full, self.short, self.intro = slug(full), full, short, intro
        self.kind, self.mentioned = kind, False

    def mention(self) -> str:
        """The first mention introduces the entity (and its country); later ones are short."""
        if self.mentioned:
            return self.short
        self.mentioned = True
        return self.intro


class EntityFactory:
    """Generated entities (companies, people, research institutes, NGOs) with distinct names."""

    PATTERN = ("company", "company", "person", "company", "company", "research-institute",
               "company", "person", "company", "ngo")

    def __init__(self, rng: random.Random, blank: dict[str, dict] | None = None):
        self.rng, self.count = rng, 0
        self.blank = blank or {"entities": {}, "entity_aliases": {}}
        self.names = {"company": Names(rng, CITIES, WORDS, TRADES, SUFFIXES),
                      "research-institute": Names(rng, CITIES[:9], WORDS, FIELDS),
                      "ngo": Names(rng, FIRST, LAST, TOPICS),
                      "person": Names(rng, FIRST, INITIALS, LAST)}

    def make(self, source: Source, companies: list[Entity]) -> tuple[Entity, dict, list[dict]]:
        """An entity, its row and its two alias rows (the forms its text prints)."""
        kind = self.PATTERN[self.count % len(self.PATTERN)]
        self.count += 1
        rng, names = self.rng, self.names[kind]
        country, parent = "", ""
        if kind == "company":
            full, (city, word, trade, _) = names.next("{0[0]} {1} {2} {3}")
            if companies and rng.random() < 0.15:  # the text shows the parent, not the country
                entity = Entity(full, f"{word} {trade}", f"{companies[-1].short} subsidiary "
                                f"{full}", kind)
                parent = companies[-1].entity_id
            else:
                entity = Entity(full, f"{word} {trade}", f"{city[2]} firm {full}", kind)
                country = city[1]
        elif kind == "person":
            full, (_, _, short) = names.next("{0} {1}. {2}")
            if companies and rng.random() < 0.25:
                employer = companies[rng.randrange(len(companies))]
                entity = Entity(full, short, f"{employer.short} executive {full}", kind)
                parent = employer.entity_id
            else:
                adjective, country = NATIONALITY[rng.randrange(len(NATIONALITY))]
                entity = Entity(full, short, f"{adjective} official {full}", kind)
        elif kind == "research-institute":
            full, (city, word, _) = names.next("{0[0]} {1} Research Institute of {2}")
            entity = Entity(full, f"{word} Research Institute", f"{city[2]} state-owned {full}",
                            kind)
            country = city[1]
        else:
            full, (_, last, _) = names.next("{0} {1} Center for {2}")
            entity = Entity(full, f"{last} Center", f"the research group {full}", kind)
        row = {**self.blank["entities"], "entity_id": entity.entity_id, "name": full,
               "entity_type": kind, "parent_entity_id": parent}
        if country:  # "Chinese firm ...", "Russian official ...": the nationality the text says
            row.update(country=country, country_source_id=source.source_id,
                       country_quote=entity.intro, country_basis="nationality")
        aliases = [{**self.blank["entity_aliases"], "entity_id": entity.entity_id,
                    "source_id": source.source_id, "surface_form": form}
                   for form in (full, entity.short)]
        return entity, row, aliases


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
        self.echoes: list[str] = []  # sentences the next source repeats
        self.received = echoes  # this source's repeats of the previous one
        self.groups: list[tuple[list[dict], list[dict], bool]] = []
        self.actions: list[tuple[dict, list[dict], list[dict]]] = []
        self.entities, self.aliases, self.companies, self.others = [], [], [], []
        for _ in range(entity_count):
            entity, row, aliases = factory.make(source, self.companies)
            self.entities.append(row)
            self.aliases += aliases
            (self.companies if entity.kind == "company" else self.others).append(entity)

    def pick(self, options):
        return options[int(self.random() * len(options))]

    # -- claims

    def period(self) -> dict:
        """A period that ends before the source's date, at one of the schema's precisions."""
        when = self.source.day - timedelta(days=self.rng.randrange(400, 800))
        precision = self.pick(self.model.period_precisions)
        if precision == "year":
            phrase = f"in {when.year}"
            start, end = when.replace(month=1, day=1), when.replace(month=12, day=31)
        elif precision == "quarter":
            quarter = (when.month - 1) // 3
            start = date(when.year, 3 * quarter + 1, 1)
            end = date(when.year + quarter // 3, (3 * quarter + 3) % 12 + 1, 1) - timedelta(1)
            phrase = f"in the {QUARTERS[quarter]} quarter of {when.year}"
        elif precision == "month":
            start = when.replace(day=1)
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            phrase = f"in {MONTHS[when.month - 1]} {when.year}"
        else:
            phrase, start, end = on(when), when, when
        return {"phrase": phrase, "period_start": str(start), "period_end": str(end),
                "period_precision": precision, "period_note": f"From “{phrase}”."}

    def figure(self) -> dict:
        """A figure in one of the schema's units, with or without a qualifier."""
        unit, qualifier = self.pick(self.model.units), self.pick(self.model.qualifiers)
        value = self.rng.randrange(*{"percent": (5, 96), "years": (1, 4)}.get(unit, (2, 400)))
        number = {"percent": f"{value}%", "usd": f"${value} million",
                  "years": f"{value} years"}.get(unit, str(value))
        if unit == "usd":
            value *= 1_000_000
        return {"figure_as_stated": f"{qualifier.replace('-', ' ')} {number}".lstrip(),
                "figure_value": str(value), "figure_unit": unit, "figure_qualifier": qualifier}

    def statement(self) -> None:
        """One sentence: one or two subjects, a predicate of the schema, perhaps goods, a
        figure, a period, a hedge, an attribution and a stance; a claim for each subject and
        each of the goods, all quoting the sentence."""
        rand, source, model, pick = self.random, self.source, self.model, self.pick
        words = model.item_words
        predicates = model.predicates  # mostly the first (supplies)
        predicate = predicates[0] if rand() < 0.4 else predicates[int(rand() * len(predicates))]
        if self.companies and rand() < 0.75:
            start, count = int(rand() * len(self.companies)), SUBJECT_COUNTS[int(rand() * 10)]
            subjects = (self.companies * 3)[start:start + min(count, len(self.companies))]
            ids, names = [e.entity_id for e in subjects], [e.mention() for e in subjects]
        else:
            subject = SUBJECTS[int(rand() * len(SUBJECTS))]
            ids, names = [subject], [BASE[subject][5]]
        object_id = OBJECTS[int(rand() * len(OBJECTS))]
        claim = {**model.blank["claims"], "predicate": predicate, "object_entity_id": object_id,
                 "is_forecast": "false"}
        verb = predicate.replace("-", " ")
        if rand() < 0.15:
            claim["hedge_as_stated"] = hedge = pick(HEDGES)
            verb = f"{hedge} {verb}"
        body = f"{series(names) if len(names) > 1 else names[0]} {verb}"
        goods = []
        if rand() < 0.85:  # one to four categories, in the schema's order
            start, categories = int(rand() * len(model.categories)), model.categories * 2
            goods = categories[start:start + 1 + int(rand() * 4)]
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
        stance = model.stances[0] if rand() < 0.85 else pick(model.stances[1:])
        if stance != model.stances[0] or rand() < 0.5:  # "The Treasury Department denies ..."
            by = pick(ATTRIBUTORS)
            verb = "said" if stance == model.stances[0] else stance.replace("-", " ")
            attribution = f"{cap(BASE[by][6])} {verb}"
            if stance == model.stances[0] and rand() < 0.2:
                when = source.day - timedelta(days=self.rng.randrange(0, 7))
                attribution += " " + on(when)
                claim.update(asserted_date=str(when), asserted_date_precision="day",
                             asserted_date_note=f"Stated as “{on(when)}”.")
            sentence = f"{attribution} that {body}."
        else:
            by, attribution, sentence = source.by, "", cap(body) + "."
        claim.update(asserted_by_entity_id=by, stance=stance)
        claims = [{**claim, "subject_entity_id": subject, "item_category": category,
                   "item_as_stated": words[category]}
                  for subject in ids for category in goods] or [
            {**claim, "subject_entity_id": subject} for subject in ids]
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

    # -- actions

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
        instrument, measure = f"{kind.replace('-', ' ')} ({status})", self.pick(MEASURES)
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
        first = (f"{cap(BASE[authority][5])} {said} that it had taken a {instrument} against "
                 f"{total} entities, including {chinese} in China and {other} in "
                 f"{BASE[partner][5]}, {reason}.")
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

    # -- the text

    def text(self) -> tuple[str, dict]:
        """The archived text, and its sources row but for the archive's name and hash."""
        source, rand = self.source, self.random
        unnamed = [e for e in self.companies + self.others if not e.mentioned]
        if unnamed:
            self.sentences.append("The findings also named "
                                  + series([e.mention() for e in unnamed]) + ".")
        sentences = self.sentences
        sentences[1:1] = self.received
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        if source.index < 2:
            paragraphs.append(BACKGROUND)
        title = (f"Sanctions Target {len(self.companies) or 2} Suppliers of Russia's Military"
                 if rand() < 0.7 else "")
        author = "" if source.wire else self.pick(WRITERS)
        place = self.pick(DATELINES)
        wire = f" ({BASE[source.wire][6]})" if source.wire and place else ""
        day, publisher = source.day, BASE[source.publisher][1]
        dated, published, note = {
            "day": (f"{day:%B} {day.day}, {day.year}", str(day), "Stated in the text as "),
            "month": (f"Updated {day:%B} {day.year}", str(day.replace(day=1)),
                      "The text gives only the month: "),
            "year": (f"© {day.year} {publisher}", f"{day.year}-01-01",
                     "The text gives only the year: "),
        }.get(source.precision, ("", "", ""))
        head = [line for line in (title, author and f"By {author}", dated) if line]
        text = ("\n".join(head) + "\n\n" + (f"{place}{wire} — " if place else "")
                + "\n\n".join(paragraphs) + "\n")
        notes = "Synthetic text generated by tools/synth.py."
        if source.wire:
            notes = f"{BASE[source.wire][1]} report as republished by {publisher}. " + notes
        url = (f"https://www.example.com/{source.publisher}/{slug(title or 'report')}-"
               f"{source.index}" if rand() < 0.5 else "")
        return text, {
            **self.model.blank["sources"], "source_id": source.source_id,
            "publisher_entity_id": source.publisher, "wire_service_entity_id": source.wire,
            "title": title, "author": author, "dateline": place, "published_date": published,
            "published_date_precision": source.precision,
            "published_date_note": f"{note}“{dated}”." if dated else "", "url": url,
            "language": "en", "notes": notes, "source_kind": "news-report"}


# ------------------------------------------------------------------ writing the package


class Writer:
    """The package's CSV files, as `csv.writer` writes them: rows (the schema's blank row,
    filled in) in the schema's column order, checked to fill only the schema's columns and,
    in the table's first rows, every column it requires."""

    def __init__(self, out: Path, model: Model, claims: int, actions: int):
        self.model, self.files, self.rows, self.checked = model, {}, {}, set()
        self.ids = {"claims": model.id_format("claims", "claim_id", claims),
                    "claim_evidence": model.id_format("claim_evidence", "evidence_id",
                                                      2 * claims + 1),
                    "actions": model.id_format("actions", "action_id", actions),
                    "action_evidence": model.id_format("action_evidence", "evidence_id",
                                                       2 * actions + 1)}
        self.numbers = dict.fromkeys(self.ids, 0)
        for name, fields in model.fields.items():
            self.files[name] = (out / "data" / f"{name}.csv").open(
                "w", encoding="utf-8", newline="", buffering=1 << 20)
            self.files[name].write(",".join(fields) + "\n")
            self.rows[name] = 0

    def table(self, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        fields = self.model.fields[name]
        if set(map(len, rows)) != {len(fields)}:  # a column beside the blank row's
            unknown = next(key for row in rows for key in row if key not in fields)
            raise UsageError(f"the template's {name} has no column {unknown!r}")
        assert tuple(rows[0]) == fields, "a row not built on the blank row"
        if name not in self.checked:
            self.checked.add(name)
            unfilled = [field for field in fields if field in self.model.required[name]
                        and not any(row[field] for row in rows)]
            if unfilled:
                raise UsageError(f"the template's {name} requires {unfilled[0]!r}, which the "
                                 "generator does not fill")
        # a row built on the blank row holds its cells in the schema's order: joined as they
        # are, but in the rows with a cell to quote, which csv.writer writes
        lines, commas = list(map(",".join, map(dict.values, rows))), len(fields) - 1
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
        claims, evidence = [], []
        claim_id, evidence_id = self.ids["claims"], self.ids["claim_evidence"]
        number, evidence_number = self.numbers["claims"], self.numbers["claim_evidence"]
        for group, quotes, cross_reference in builder.groups:
            first = None
            for claim in group:
                number += 1
                claim["claim_id"] = cid = claim_id % number
                if first and cross_reference:
                    claim["notes"] = f"Same quote as {first}."
                first = first or cid
                claims.append(claim)
                for quoted in quotes:
                    evidence_number += 1
                    evidence.append({**quoted, "evidence_id": evidence_id % evidence_number,
                                     "claim_id": cid})
        self.numbers["claims"], self.numbers["claim_evidence"] = number, evidence_number
        self.table("claims", claims)
        self.table("claim_evidence", evidence)
        targets, action_evidence, previous = [], [], ""
        for row, quotes, target_rows in builder.actions:
            self.numbers["actions"] += 1
            row["action_id"] = action_id = self.ids["actions"] % self.numbers["actions"]
            if previous:
                row["notes"] = f"See also {previous} (the same text)."
            previous = action_id
            targets += [{**target, "action_id": action_id, "target_no": str(number)}
                        for number, target in enumerate(target_rows, 1)]
            for quoted in quotes:
                self.numbers["action_evidence"] += 1
                action_evidence.append({**quoted, "action_id": action_id, "evidence_id":
                                        self.ids["action_evidence"]
                                        % self.numbers["action_evidence"]})
        self.table("actions", [row for row, _, _ in builder.actions])
        self.table("action_targets", targets)
        self.table("action_evidence", action_evidence)

    def close(self) -> None:
        for file in self.files.values():
            file.close()


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
        entities, aliases = base_entity_rows(model, sources[0], sources[1])
        writer.table("entities", entities)
        writer.table("entity_aliases", aliases)
        echoes: list[str] = []
        for source in sources:
            index = source.index
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
        writer.close()
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

ERROR_KINDS = ("type-error", "constraint-error", "foreign-key", "primary-key", "missing-cell",
               "extra-cell", "quote-not-in-source", "period-order", "claim-without-evidence",
               "formula-injection")
CLAIMS_FILE, EVIDENCE_FILE = "data/claims.csv", "data/claim_evidence.csv"
# the field each kind of error is planted in and reported on, and the cells it changes
PLANTED = {"type-error": ("period_start", {"period_start": "2023-13-45"}),
           "constraint-error": ("predicate", {"predicate": "sells-to"}),
           "foreign-key": ("subject_entity_id", {"subject_entity_id": "no-such-entity"}),
           "primary-key": ("evidence_id", {}), "missing-cell": (None, {}),
           "extra-cell": (None, {}), "quote-not-in-source": ("quote", {}),
           # aligned with its precision, early enough for any source
           "period-order": ("period_end", {"period_start": "2019-01-01",
                                           "period_end": "2018-12-31", "period_precision": "year",
                                           "period_note": "Planted: it ends before it starts."}),
           "claim-without-evidence": ("claim_id", {}),
           "formula-injection": ("notes", {"notes": '=HYPERLINK("https://example.com/","x")'})}


def plant(out: Path, model: Model, claims: int, seed: int, count: int) -> list[dict]:
    """Rewrite claims.csv and claim_evidence.csv with `count` errors, each on its own claim
    (never claim 1, whose first evidence id `primary-key` repeats); the kinds that may sit in
    either table alternate between claims and evidence. Returns them, in planting order."""
    rng = random.Random(f"cnru.synth plantings {seed}")
    claim_id = model.id_format("claims", "claim_id", claims)
    plantings, seen = [], dict.fromkeys(ERROR_KINDS, 0)
    for index, number in enumerate(rng.sample(range(2, claims + 1), count)):
        code = ERROR_KINDS[index % len(ERROR_KINDS)]
        seen[code] += 1
        in_evidence = (code in ("primary-key", "quote-not-in-source") or
                       code in ("missing-cell", "extra-cell", "formula-injection")
                       and seen[code] % 2 == 0)
        table = "claim_evidence" if in_evidence else "claims"
        field = model.fields[table][-1] if code == "missing-cell" else PLANTED[code][0]
        plantings.append({"code": code, "file": f"data/{table}.csv",
                          "row": None, "field": field, "claim": claim_id % number})
    for path in (CLAIMS_FILE, EVIDENCE_FILE):
        rewrite(out / path, [p for p in plantings if p["file"] == path],
                {p["claim"] for p in plantings if p["code"] == "claim-without-evidence"}
                if path == EVIDENCE_FILE else set())
    return [{key: p[key] for key in ("code", "file", "row", "field")} for p in plantings]


def rewrite(path: Path, plantings: list[dict], dropped: set[str]) -> None:
    """Rewrite `path` with the rows of `dropped` claims left out, and the first row of each
    planted claim changed (its row number noted in the planting)."""
    with open(path, encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    position = {name: index for index, name in enumerate(rows[0])}
    by_claim = {p["claim"]: p for p in plantings}
    kept = [rows[0]]
    # claim 1's first evidence id, never dropped nor edited
    first_id = rows[1][position["evidence_id"]] if "evidence_id" in position else ""
    for cells in rows[1:]:
        claim = cells[position["claim_id"]]
        if claim in dropped:
            continue
        planting = by_claim.pop(claim, None)
        if planting is not None:
            planting["row"] = len(kept)
            code = planting["code"]
            changes = dict(PLANTED[code][1])
            if code == "missing-cell":
                cells = cells[:-1]
            elif code == "extra-cell":
                cells = [*cells, "extra"]
            elif code == "quote-not-in-source":  # a word added: every substring stays in it
                changes["quote"] = "Allegedly, " + cells[position["quote"]]
            elif code == "primary-key":
                changes["evidence_id"] = first_id
            for name, value in changes.items():
                cells[position[name]] = value
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
