"""Synthetic packages of the cnru model, for benchmarks and validator tests: a development
tool, not part of the installed package.

    python tools/synth.py OUT --claims 10000 --seed 1 [--corrupt K] [--template .]

`synthesize(template, out, claims, seed)` writes a complete, valid package beside its own
archived texts: the template's descriptor and schemas, its tables and `sources/*.txt`.
Every quote, alias and attribution is a verbatim substring of a generated text; dates, periods,
figures and counts follow every rule of `cnru.validate`. `corrupt=K` then plants K errors of
mixed kinds and lists them in `planted.json`, so a test can check that each one is reported.

The texts are built source by source (about 100 claims each) from sentence templates; each
sentence yields a few claims that share its quote. Rows are formatted from pre-quoted pieces and
written per source, so memory stays O(sources) and the work per claim is a few string joins.
The files' columns and their order are the template's Table Schemas' (see `FILLED`).
The same arguments give byte-identical files.
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
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

from cnru.errors import UsageError

# ------------------------------------------------------------------ the model and its proportions

# The columns the generator fills, in the order its rows hold them. Every other column of a
# table's schema is left empty (or given its DEFAULTS value), and a table the generator does not
# fill (the official record's list entries and links) is written with its header only: the
# files' columns and their order are the template's Table Schemas'.
FILLED: dict[str, tuple[str, ...]] = {
    "sources": ("source_id", "publisher_entity_id", "wire_service_entity_id", "title", "author",
                "dateline", "published_date", "published_date_precision", "published_date_note",
                "url", "archive_file", "archive_sha256", "language", "notes"),
    "entities": ("entity_id", "name", "entity_type", "country", "country_source_id",
                 "country_quote", "parent_entity_id", "notes", "country_basis"),
    "entity_aliases": ("entity_id", "source_id", "surface_form", "notes"),
    "claims": ("claim_id", "subject_entity_id", "predicate", "object_entity_id", "item_category",
               "item_as_stated", "end_use_as_stated", "quantity_value", "quantity_unit",
               "quantity_qualifier", "period_start", "period_end", "period_precision",
               "period_note", "asserted_by_entity_id", "stance", "hedge_as_stated", "is_forecast",
               "asserted_date", "asserted_date_precision", "asserted_date_note", "notes"),
    "claim_evidence": ("evidence_id", "claim_id", "source_id", "quote", "attribution_as_stated",
                       "figure_as_stated", "figure_value", "figure_unit", "figure_qualifier",
                       "notes"),
    "actions": ("action_id", "authority_entity_id", "announced_by_entity_id", "action_type",
                "status", "action_date", "action_date_precision", "action_date_note",
                "instrument_as_stated", "measure_as_stated", "reason_as_stated",
                "target_count_total", "target_count_note", "notes"),
    "action_targets": ("action_id", "target_no", "target_entity_id", "target_country",
                       "target_count", "target_count_basis", "notes"),
    "action_evidence": ("evidence_id", "action_id", "source_id", "quote", "notes"),
}
# One value for every row, in columns the generator does not fill.
DEFAULTS: dict[str, dict[str, str]] = {"sources": {"source_kind": "news-report"}}


@dataclass(frozen=True)
class Layout:
    """One table's file: the schema's columns, and the generator's rows arranged into them."""

    fields: tuple[str, ...]  # the Table Schema's, in its order
    filled: tuple[str, ...]  # the generator's, in the order its rows hold them
    defaults: dict[str, str]

    @property
    def position(self) -> dict[str, int]:
        return {name: index for index, name in enumerate(self.fields)}

    def arrange(self, text: str) -> str:
        """Rows of the `filled` columns (CSV text) as rows of the schema's columns."""
        width = len(self.filled)
        if self.fields[:width] == self.filled:  # the common case: the rest follow, constant
            tail = "".join("," + quote(self.defaults.get(name, ""))
                           for name in self.fields[width:])
            return text.replace("\n", tail + "\n") if tail else text
        rows = csv.reader(io.StringIO(text, newline=""))
        return "".join(line(dict(zip(self.filled, row, strict=True)).get(
            name, self.defaults.get(name, "")) for name in self.fields) for row in rows)


def layouts(template: Path, descriptor: dict) -> dict[str, Layout]:
    """Each resource's layout, from its Table Schema; a UsageError if the generator cannot fill
    the template's model (a column it fills is missing, or a required column it does not fill
    has no default)."""
    found = {}
    for resource in descriptor.get("resources", []):
        name = resource["name"]
        schema = json.loads((template / resource["schema"]).read_text(encoding="utf-8"))
        fields = tuple(f["name"] for f in schema["fields"])
        filled, defaults = FILLED.get(name, ()), DEFAULTS.get(name, {})
        missing = [column for column in filled if column not in fields]
        if missing:
            raise UsageError(f"the template's {name} has no column {missing[0]!r}")
        unfilled = [f["name"] for f in schema["fields"]
                    if f.get("constraints", {}).get("required") and f["name"] not in filled
                    and f["name"] not in defaults]
        if unfilled and filled:
            raise UsageError(f"the template's {name} requires {unfilled[0]!r}, which the "
                             "generator does not fill")
        found[name] = Layout(fields, filled, defaults)
    absent = [name for name in FILLED if name not in found]
    if absent:
        raise UsageError(f"the template has no resource {absent[0]!r}")
    return found


CLAIMS_PER_SOURCE = 100
MIN_SOURCES = 3
ENTITIES_PER_CLAIM = 0.1  # generated entities, besides the fixed base entities
ACTIONS_PER_CLAIM = 0.04
ECHO_SHARE = 0.15  # sentences a later source repeats: their claims get a second evidence row
LOWER_CASE_SHARE = 0.15  # sources archived all in lower case, like source 000 of the real package
FIRST_DAY = date(2022, 3, 1)
SPAN_DAYS = 1200


def quote(cell: str) -> str:
    """A cell as `csv.writer` (QUOTE_MINIMAL, `\\n` line ends) writes it."""
    if '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    if "," in cell or "\n" in cell or "\r" in cell:
        return '"' + cell + '"'
    return cell


@lru_cache(maxsize=1 << 14)
def quote_term(cell: str) -> str:
    """`quote` for the few short values that recur: attributions, figures, hedges, notes."""
    return quote(cell)


def line(cells: Iterable[str]) -> str:
    return ",".join(map(quote, cells)) + "\n"


def stated(words: str) -> str:
    """A date note for words a text states, as a quoted cell."""
    return quote(f'Stated as "{words}".')


def from_phrase(phrase: str) -> str:
    """A period note for words a text states, as a quoted cell."""
    return quote(f'From "{phrase}".')


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def series(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def share(total: int, parts: int, index: int) -> int:
    """Part `index` of `total` split as evenly as possible into `parts`."""
    return total * (index + 1) // parts - total * index // parts


# ------------------------------------------------------------------ vocabularies

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
QUARTERS = ("first", "second", "third", "fourth")

# id, name, type, country, parent, two forms the background paragraph prints
BASE_ENTITIES = (
    ("cn", "China", "country", "CN", "", "China", "Beijing"),
    ("ru", "Russia", "country", "RU", "", "Russia", "Moscow"),
    ("us", "United States", "country", "US", "", "the United States", "Washington"),
    ("ua", "Ukraine", "country", "UA", "", "Ukraine", "Kyiv"),
    ("tw", "Taiwan", "country", "TW", "", "Taiwan", "Taipei"),
    ("by", "Belarus", "country", "BY", "", "Belarus", "Minsk"),
    ("ir", "Iran", "country", "IR", "", "Iran", "Tehran"),
    ("kp", "North Korea", "country", "KP", "", "North Korea", "Pyongyang"),
    ("in", "India", "country", "IN", "", "India", "New Delhi"),
    ("tr", "Turkey", "country", "TR", "", "Turkey", "Ankara"),
    ("ae", "United Arab Emirates", "country", "AE", "", "the United Arab Emirates", "the UAE"),
    ("kz", "Kazakhstan", "country", "KZ", "", "Kazakhstan", "Astana"),
    ("europe", "Europe", "region", "", "", "Europe", "the European continent"),
    ("the-west", "The West", "country-group", "", "", "the West", "Western countries"),
    ("g7", "Group of Seven (G7)", "international-forum", "", "", "the Group of Seven", "G7"),
    ("eu", "European Union", "international-forum", "", "", "the European Union", "the EU"),
    ("us-doc", "US Department of Commerce", "government-body", "US", "us",
     "the U.S. Department of Commerce", "the Commerce Department"),
    ("bis", "Bureau of Industry and Security", "government-body", "US", "us-doc",
     "the U.S. Bureau of Industry and Security", "BIS"),
    ("us-treasury", "US Treasury", "government-body", "US", "us", "the U.S. Treasury",
     "the Treasury Department"),
    ("ofac", "Office of Foreign Assets Control", "government-body", "US", "us-treasury",
     "the U.S. Office of Foreign Assets Control", "OFAC"),
    ("us-state-department", "US Department of State", "government-body", "US", "us",
     "the U.S. State Department", "the State Department"),
    ("white-house", "The White House", "government-body", "", "us", "the White House",
     "White House"),
    ("kremlin", "The Kremlin", "government-body", "", "ru", "the Kremlin", "Kremlin"),
    ("cn-mofa", "Ministry of Foreign Affairs of China", "government-body", "CN", "cn",
     "China's Foreign Ministry", "the Chinese Foreign Ministry"),
    ("cn-mofcom", "Ministry of Commerce of China", "government-body", "CN", "cn",
     "China's Commerce Ministry", "the Chinese Commerce Ministry"),
    ("eu-council", "Council of the European Union", "government-body", "", "eu",
     "the Council of the European Union", "EU governments"),
    ("ru-armed-forces", "Russian armed forces", "armed-forces", "RU", "ru",
     "Russia's armed forces", "the Russian military"),
    ("ua-armed-forces", "Ukrainian armed forces", "armed-forces", "UA", "ua",
     "Ukraine's armed forces", "the Ukrainian military"),
    ("ccp", "Chinese Communist Party (CCP)", "political-party", "CN", "",
     "the Chinese Communist Party", "the CCP"),
    ("us-officials", "US officials (unnamed)", "unnamed-persons", "US", "", "US officials",
     "a senior US official"),
    ("eu-officials", "EU officials (unnamed)", "unnamed-persons", "", "", "EU officials",
     "European officials"),
    ("cn-officials", "Chinese officials (unnamed)", "unnamed-persons", "CN", "",
     "Chinese officials", "officials in Beijing"),
    ("cn-companies", "Chinese companies (unnamed)", "group", "CN", "", "Chinese companies",
     "Chinese firms"),
    ("cn-banks", "Chinese banks (unnamed)", "group", "CN", "", "Chinese banks", "banks in China"),
    ("ru-defense-industry", "Russian defence industry", "group", "RU", "ru",
     "Russia's defense industry", "Russia's military-industrial base"),
    ("foreign-banks-aiding-ru", "Foreign banks aiding Russia's military-industrial base", "group",
     "", "", "foreign banks that aid Russia's military-industrial base",
     "foreign financial institutions"),
    ("associated-press", "Associated Press", "media", "", "", "The Associated Press", "AP"),
    ("reuters", "Reuters", "media", "", "", "Reuters", "the Reuters news agency"),
    ("afp", "Agence France-Presse (AFP)", "media", "", "", "Agence France-Presse", "AFP"),
    ("bloomberg", "Bloomberg News", "media", "", "", "Bloomberg News", "Bloomberg"),
    ("fox-news", "Fox News", "media", "", "", "Fox News", "Fox News Digital"),
    ("bgnes", "BGNES", "media", "", "", "BGNES", "the Bulgarian agency BGNES"),
    ("the-epoch-times", "The Epoch Times", "media", "", "", "The Epoch Times", "Epoch Times"),
    ("politico", "Politico", "media", "", "", "Politico", "Politico Europe"),
    ("nikkei-asia", "Nikkei Asia", "media", "", "", "Nikkei Asia", "Nikkei"),
    ("kyiv-independent", "The Kyiv Independent", "media", "", "", "The Kyiv Independent",
     "Kyiv Independent"),
    ("scmp", "South China Morning Post", "media", "", "", "the South China Morning Post",
     "the SCMP"),
)
BASE = {row[0]: row for row in BASE_ENTITIES}

# Printed in the first two texts: every form of every base entity, so each has two aliases.
BACKGROUND = (
    "Background: China and Russia declared a partnership weeks before Russia invaded Ukraine, "
    "and Beijing and Moscow have since deepened their trade. Washington says the United States "
    "will keep sanctioning suppliers, and Kyiv has urged the European Union and the Group of "
    "Seven to act. G7 members and the EU say goods also reach Russia's armed forces through "
    "Belarus and Minsk, Kazakhstan and Astana, Turkey and Ankara, and the United Arab Emirates, "
    "where the UAE says it follows the law. Iran and North Korea have sent weapons, according to "
    "officials in Tehran and Pyongyang watchers, while India and New Delhi have kept buying oil. "
    "Taiwan and Taipei make many of the chips involved. Europe and the European continent face "
    "the threat, the West and Western countries say. In Washington, the U.S. Department of "
    "Commerce and the Commerce Department's export controls, run by the U.S. Bureau of Industry "
    "and Security (BIS), sit beside the U.S. Treasury, the Treasury Department and the U.S. "
    "Office of Foreign Assets Control (OFAC). Diplomats of the U.S. State Department and the "
    "State Department's envoys, the "
    "White House and the Kremlin (the Kremlin press office) speak often, and in a White House "
    "statement officials repeated their warnings. China's Foreign Ministry and the Chinese "
    "Foreign Ministry reject the charges, as do China's Commerce Ministry and the Chinese "
    "Commerce Ministry. In Brussels, the Council of the European Union and EU governments adopt "
    "sanctions. "
    "Russia's armed forces and the Russian military face Ukraine's armed forces and the Ukrainian "
    "military. Leaders of the Chinese Communist Party and the CCP deny wrongdoing. US officials "
    "and a senior "
    "US official, EU officials and European officials, and Chinese officials and officials in "
    "Beijing have met. Chinese companies and Chinese firms, Chinese banks and banks in China "
    "serve Russia's defense industry and Russia's military-industrial base, as do foreign banks "
    "that aid Russia's military-industrial base and other foreign financial institutions. "
    "Reporting by The Associated Press (AP), Reuters and the Reuters news agency, Agence "
    "France-Presse (AFP), Bloomberg News and Bloomberg, Fox News and Fox News Digital, BGNES and "
    "the Bulgarian agency BGNES, The Epoch Times (Epoch Times), Politico and Politico Europe, "
    "Nikkei Asia and Nikkei, The Kyiv Independent (Kyiv Independent), and the South China "
    "Morning Post (the SCMP)."
)

# publisher, web domain, wire services it republishes
PUBLISHERS = (
    ("reuters", "reuters.com", ()), ("associated-press", "apnews.com", ()),
    ("afp", "afp.com", ()), ("bloomberg", "bloomberg.com", ()),
    ("fox-news", "foxnews.com", ("associated-press", "reuters")),
    ("bgnes", "bgnes.com", ("afp",)), ("the-epoch-times", "theepochtimes.com", ("reuters",)),
    ("politico", "politico.com", ()), ("nikkei-asia", "asia.nikkei.com", ()),
    ("kyiv-independent", "kyivindependent.com", ("afp", "reuters")),
    ("scmp", "scmp.com", ("reuters", "afp")),
)
DATELINES = ("Washington", "Brussels", "Beijing", "Moscow", "Kyiv", "London", "Hong Kong", "")
AUTHOR_FIRST = ("Anna", "David", "Maria", "James", "Olena", "Chen", "Sarah", "Michael", "Laura",
                "Tom", "Yuki", "Ivan", "Emma", "Daniel", "Sofia", "Ali")
AUTHOR_LAST = ("Fischer", "Moreno", "Kowalski", "Tanaka", "Novak", "Brennan", "Sato", "Lindqvist",
               "Okafor", "Petrenko", "Hughes", "Ruiz", "Dubois", "Walsh", "Kim", "Mendes")

# item_category -> the words texts use (lower case: they sit mid-sentence)
ITEMS = {
    "machine-tools": ("machine tools", "metalworking machinery", "computer-controlled lathes"),
    "microelectronics": ("microelectronics", "electronic components"),
    "semiconductors": ("semiconductors", "chips"),
    "integrated-circuits": ("integrated circuits", "microcontrollers"),
    "technology": ("technology", "sensitive technology"),
    "military-technology": ("military technology",),
    "dual-use-technology": ("dual-use technology",),
    "dual-use-goods": ("dual-use goods", "goods with civilian and military uses"),
    "nitrocellulose": ("nitrocellulose",),
    "optics": ("optical components", "thermal imaging cameras", "military optics"),
    "uav-engines": ("uav engines", "drone engines"),
    "turbojet-engines": ("turbojet engines",),
    "drones": ("drones", "unmanned aerial vehicles"),
    "drone-components": ("drone components", "drone parts"),
    "imagery": ("satellite imagery",),
    "space-capabilities": ("space capabilities",),
    "navigation-equipment": ("navigation equipment", "satellite navigation modules"),
    "jamming-technology": ("jamming equipment",),
    "aircraft-parts": ("aircraft parts", "helicopter parts"),
    "aerospace-technology": ("aerospace technology",),
    "tanks": ("tank parts",),
    "weapons": ("weapons", "lethal aid", "arms and ammunition"),
    "military-aid": ("military aid",),
}
SUPPLY_ITEMS = tuple((category, words) for category, forms in ITEMS.items()
                     if category not in ("weapons", "military-aid", "space-capabilities")
                     for words in forms)
WEAPONS = tuple(("weapons", words) for words in ITEMS["weapons"])
COUNTED_ITEMS = (("drones", "drones"), ("drone-components", "drone engines"),
                 ("navigation-equipment", "satellite navigation modules"),
                 ("optics", "thermal imaging cameras"), ("tanks", "tank engines"))
END_USES = ("to make missiles, tanks and aircraft", "for use in tanks and armored vehicles",
            "used in the manufacture of ammunition", "for cruise missiles",
            "for precision guidance systems in missiles and drones",
            "to produce ballistic missiles", "for the production of artillery shells",
            "for use in its war against ukraine")
# verb phrase (singular, plural) and the hedge it contains
SUPPLY_VERBS = (
    ("is supplying", "are supplying", ""), ("has been supplying", "have been supplying", ""),
    ("has shipped", "have shipped", ""), ("is providing", "are providing", ""),
    ("is likely supplying", "are likely supplying", "likely"),
    ("may have supplied", "may have supplied", "may have"),
    ("is believed to have shipped", "are believed to have shipped", "believed to have"),
    ("has possibly provided", "have possibly provided", "possibly"),
)
RU_OBJECTS = (("Russia", "ru"), ("Russia", "ru"), ("Moscow", "ru"),
              ("the Russian military", "ru-armed-forces"),
              ("Russian arms makers", "ru-defense-industry"))
# attribution words, the entity making the claim
ATTRIBUTIONS = (
    ("US officials said", "us-officials"), ("according to US data", "us"),
    ("a senior US official said", "us-officials"), ("the Treasury Department said", "us-treasury"),
    ("the Commerce Department said", "us-doc"), ("according to a US assessment", "us"),
    ("EU officials said", "eu-officials"), ("the State Department said", "us-state-department"),
)
FIGURE_WORDS = {
    "": ("{}", "{}"), "approximately": ("about {}", "approximately {}", "roughly {}"),
    "nearly": ("nearly {}", "almost {}"), "more-than": ("more than {}", "over {}"),
    "less-than": ("less than {}", "under {}"),
}
QUALIFIERS = tuple(FIGURE_WORDS)
WAR_START = date(2022, 2, 24)
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# predicate, subject slot, object slot, sentence ({S}, {O}), item as stated, item category
GENERIC = (
    ("urges", "usp", "cn", "{S} urged {O} to stop the flow of dual-use goods to Russia",
     "stop the flow of dual-use goods to Russia", "dual-use-goods"),
    ("warns", "usp", "co", "{S} warned {O} that it could face penalties for shipping components "
     "to Russia", "penalties for shipping components to Russia", ""),
    ("pressures", "us", "cn", "{S} has pressed {O} to curb exports of machine tools to Russia",
     "curb exports of machine tools to Russia", "machine-tools"),
    ("raises-concerns-with", "usp", "cnp", "{S} raised concerns with {O} about Chinese support "
     "for Russia's defense industry", "Chinese support for Russia's defense industry", ""),
    ("blames", "cnp", "us", "{S} blamed {O} for prolonging the war by sending weapons to Ukraine",
     "prolonging the war by sending weapons to Ukraine", "weapons"),
    ("praises", "kremlin", "cn", "{S} praised {O} for its balanced position on the conflict",
     "its balanced position on the conflict", ""),
    ("meets", "usp", "cnp", "{S} met {O} in Beijing for talks on export controls",
     "talks on export controls", ""),
    ("visits", "usp", "cn", "{S} visited {O} for talks with senior officials",
     "talks with senior officials", ""),
    ("attends", "usp", "g7", "{S} attended a meeting of {O} where sanctions on Russia were "
     "discussed", "where sanctions on Russia were discussed", ""),
    ("engages-diplomatically", "eu", "cn", "{S} has held talks with {O} on stopping the re-export "
     "of sensitive goods to Russia", "stopping the re-export of sensitive goods to Russia",
     "dual-use-goods"),
    ("discloses-intelligence-on", "us", "co", "{S} declassified intelligence showing that {O} "
     "had shipped navigation equipment to Russia", "navigation equipment",
     "navigation-equipment"),
    ("supports-diplomatically", "cn", "ru", "{S} has backed {O} diplomatically at the United "
     "Nations", "diplomatically at the United Nations", ""),
    ("partners-with", "cn", "ru", "{S} and {O} have deepened their strategic partnership since "
     "the invasion", "deepened their strategic partnership", ""),
    ("trades-with", "co", "ru", "{S} has kept trading with {O} despite Western sanctions",
     "despite Western sanctions", ""),
    ("relies-on", "ru", "cn", "{S} has grown increasingly reliant on {O} for electronics",
     "electronics", "microelectronics"),
    ("helps", "cn", "ru", "{S} is helping {O} rebuild its defense industrial base",
     "rebuild its defense industrial base", ""),
    ("helps", "cn", "ru", "{S} has been working with {O} to improve its space capabilities for "
     "use in Ukraine", "space capabilities", "space-capabilities"),
    ("supports", "us", "ua", "{S} has sent military aid to {O}", "military aid", "military-aid"),
    ("supports", "cn", "ru", "{S} has provided growing indirect support to {O}",
     "growing indirect support", ""),
    ("jointly-produces", "co", "ru", "{S} has been working with partners in {O} to jointly "
     "produce attack drones", "attack drones", "drones"),
    ("receives-goods-made-by", "ru", "co", "{S} has received thermal imaging cameras "
     "manufactured by {O}", "thermal imaging cameras", "optics"),
    ("imports", "ru", "cn", "{S} has sharply increased imports of jamming equipment from {O}",
     "jamming equipment", "jamming-technology"),
    ("purchases", "rudi", "co", "{S} has purchased helicopter parts from {O}",
     "helicopter parts", "aircraft-parts"),
    ("produces", "co", "", "{S} produces turbojet engines that end up in Russian cruise missiles",
     "turbojet engines", "turbojet-engines"),
    ("operates-in", "co", "ru", "{S} operates a trading subsidiary in {O}",
     "a trading subsidiary", ""),
    ("stops-supplying", "co", "ru", "{S} has stopped shipments of drone parts to {O}",
     "drone parts", "drone-components"),
    ("considers-supplying", "cn", "ru", "{S} has considered supplying arms and ammunition to {O}",
     "arms and ammunition", "weapons"),
    ("refrains-from-supplying", "cn", "ru", "{S} has so far refrained from directly arming {O}",
     "directly arming", "weapons"),
    ("is-described-as", "co", "", "{S} is described as a key supplier of microchips to Russian "
     "arms makers", "a key supplier of microchips to Russian arms makers", "semiconductors"),
    ("wages-war-against", "ru", "ua", "{S} has been waging a full-scale war against {O} since "
     "February 2022", "a full-scale war", ""),
    ("attacks", "ru", "ua", "{S} has used drones built with foreign components to attack {O}",
     "drones built with foreign components", "drones"),
    ("makes-gains-against", "ru", "ua", "{S} has made slow gains against {O} in the east",
     "slow gains", ""),
    ("suffers-setbacks", "ru", "", "{S} has suffered heavy losses of armored vehicles",
     "heavy losses of armored vehicles", "tanks"),
    ("expands-military", "ru", "", "{S} is expanding its military production at a pace not seen "
     "since Soviet times", "expanding its military production", ""),
    ("threatens", "ru", "europe", "{S} poses a growing threat to {O}", "a growing threat", ""),
    ("sanctions", "us", "co", "{S} has placed {O} under sanctions", "under sanctions", ""),
    ("rivals", "cn", "us", "{S} sees {O} as its main strategic rival", "its main strategic rival",
     ""),
    ("governs", "ccp", "cn", "{S}, which rules {O}, has backed closer ties with Moscow",
     "which rules", ""),
    ("claims-territory", "cn", "tw", "{S} claims {O} as its own territory",
     "as its own territory", ""),
)
SAID = tuple(a for a in ATTRIBUTIONS if a[0].endswith(" said"))
OFFICIALS_SAID = tuple(a for a in SAID if "official" in a[0])

# ------------------------------------------------------------------ generated names


@dataclass(frozen=True)
class Place:
    city: str
    country: str  # ISO code
    adjectives: tuple[str, ...]  # words that establish the country in a text


CN_ADJ, RU_ADJ = ("Chinese", "China-based"), ("Russian", "Russia-based")
CITIES = tuple(Place(city, "CN", CN_ADJ) for city in (
    "Shenzhen", "Wuhan", "Shanghai", "Guangzhou", "Chengdu", "Hangzhou", "Nanjing", "Tianjin",
    "Dalian", "Harbin", "Suzhou", "Xiamen", "Qingdao", "Changsha", "Hefei", "Ningbo", "Zhuhai",
    "Dongguan", "Xian", "Shenyang", "Kunming", "Fuzhou", "Jinan", "Wuxi", "Foshan", "Zhengzhou",
    "Chongqing", "Nanchang")) + (
    Place("Hong Kong", "HK", ("Hong Kong-based",)), Place("Kowloon", "HK", ("Hong Kong-based",)),
    Place("Moscow", "RU", RU_ADJ), Place("Saint Petersburg", "RU", RU_ADJ),
    Place("Yekaterinburg", "RU", RU_ADJ), Place("Novosibirsk", "RU", RU_ADJ),
    Place("Kazan", "RU", RU_ADJ), Place("Istanbul", "TR", ("Turkish", "Turkey-based")),
    Place("Ankara", "TR", ("Turkish",)), Place("Dubai", "AE", ("UAE-based", "Dubai-based")),
    Place("Sharjah", "AE", ("UAE-based",)), Place("Almaty", "KZ", ("Kazakh",)),
    Place("Mumbai", "IN", ("Indian",)), Place("Bengaluru", "IN", ("Indian",)),
    Place("Yerevan", "AM", ("Armenian",)), Place("Bishkek", "KG", ("Kyrgyz",)),
    Place("Tashkent", "UZ", ("Uzbek",)), Place("Minsk", "BY", ("Belarusian",)),
    Place("Belgrade", "RS", ("Serbian",)), Place("Kuala Lumpur", "MY", ("Malaysian",)),
    Place("Bangkok", "TH", ("Thai",)), Place("Singapore", "SG", ("Singapore-based",)),
)
INSTITUTE_CITIES = tuple(place for place in CITIES if place.country in ("CN", "RU"))
WORDS = ("Orient", "Huaxin", "Golden", "Sino", "Tianrui", "Everbright", "Jinlong", "Hengtong",
         "Zhongke", "Xinda", "Greatwall", "Pacific", "Silkroad", "Redstar", "Polar", "Baltic",
         "Ural", "Volga", "Taiga", "Arctic", "Lotus", "Phoenix", "Dragon", "Unity", "Harmony",
         "Summit", "Horizon", "Pioneer", "Meridian", "Zenith", "Apex", "Vector", "Quantum", "Nova",
         "Stellar", "Crystal", "Jade", "Pearl", "Silver", "Bright", "Rising", "Eastern",
         "Northern", "Western", "Southern", "Central", "Grand", "Prime", "Alpha", "Delta",
         "Sigma", "Omega", "Titan", "Falcon", "Eagle", "Condor", "Kestrel", "Aurora", "Sunrise",
         "Evergreen")
TRADES = ("Microelectronics", "Electronics", "Optics", "Technology", "Trading", "Machinery",
          "Instruments", "Semiconductor", "Aviation", "Logistics", "Components", "Industrial",
          "Precision", "Photonics", "Systems", "Engineering", "Import Export", "Supply Chain",
          "Navigation", "Aerospace", "Materials", "Chemical", "Devices", "Automation", "Robotics",
          "Sensors", "Power", "Telecom", "Digital", "Marine", "Motors", "Energy", "Metals",
          "Tooling", "Imaging", "Radio", "Circuit", "Defense Technology", "Unmanned Systems",
          "Laser", "Vision", "Networks", "Hardware", "Equipment", "Tools", "Parts",
          "Information Technology", "Dynamics", "Mechatronics", "Instrumentation")
COMPANY_SUFFIXES = ("Co., Ltd.", "Co.", "Ltd.", "Group", "Corp.", "Holdings", "Limited", "LLC")
COMPANY_NOUNS = ("firm", "company", "supplier", "manufacturer", "exporter", "trading company")
FIELDS = ("Optics", "Electronics", "Radio Engineering", "Materials Science", "Applied Physics",
          "Aviation Engines", "Automation", "Microsystems", "Navigation", "Photonics",
          "Electro-Optics", "Propulsion", "Precision Mechanics", "Telecommunications", "Sensors",
          "Lasers", "Composite Materials", "Control Systems", "Avionics", "Cryogenics",
          "Semiconductors", "Robotics", "Acoustics", "Metallurgy", "Chemical Engineering",
          "Power Electronics", "Radar Technology", "Satellite Systems", "Infrared Technology",
          "Unmanned Systems", "Machine Tools", "Special Materials", "Information Technology",
          "Marine Engineering", "Nuclear Physics", "Energy Systems", "Mechanical Engineering",
          "Thermal Imaging", "Data Links", "Guidance Systems")
INSTITUTE_KINDS = ("Research Institute of", "Academy of", "Research Center for")
NGO_KINDS = ("Center for", "Institute for", "Foundation for")
TOPICS = ("Strategic Studies", "Security Studies", "Trade Policy", "Sanctions Research",
          "Eurasian Affairs", "Export Control Research", "Defense Analysis", "Open Source Research",
          "Economic Security", "Supply Chain Research", "Arms Control", "Technology Policy",
          "Democracy Studies", "Conflict Research", "Civil Society", "Investigative Reporting",
          "Policy Analysis", "Public Integrity", "Financial Crime Research", "Global Affairs")
US_FIRST = ("Emily", "John", "Sarah", "Michael", "Rebecca", "David", "Laura", "Kevin", "Megan",
            "Brian", "Rachel", "Thomas", "Hannah", "Jason", "Karen", "Eric", "Nicole", "Steven",
            "Amanda", "Paul", "Julia", "Mark", "Alison", "Peter", "Diane", "Scott", "Heather",
            "Gregory", "Natalie", "Adam", "Victoria", "Ryan", "Claire", "Jeffrey", "Lisa",
            "Andrew", "Monica", "Keith", "Teresa", "Douglas", "Caroline", "Nathan", "Grace",
            "Philip", "Irene", "Victor", "Joanna", "Samuel", "Margaret", "Howard", "Elaine",
            "Russell", "Lillian", "Dennis", "Sharon", "Walter", "Beverly", "Harold", "Judith",
            "Frederick")
US_LAST = ("Carter", "Bennett", "Hayes", "Sullivan", "Morgan", "Foster", "Reed", "Brooks",
           "Coleman", "Powell", "Jenkins", "Perry", "Russell", "Griffin", "Hughes", "Myers",
           "Ford", "Hamilton", "Graham", "Wallace", "Warren", "Cole", "West", "Jordan", "Owens",
           "Reynolds", "Fisher", "Ellis", "Harrison", "Gibson", "Marshall", "Murray", "Freeman",
           "Wells", "Webb", "Simpson", "Stevens", "Tucker", "Porter", "Hunter", "Hicks",
           "Crawford", "Boyd", "Mason", "Kennedy", "Warner", "Holland", "Pierce", "Lawson",
           "Burke", "Chandler", "Norris", "Fleming", "Lambert", "Barton", "Caldwell", "Harper",
           "Maxwell", "Whitaker", "Sutton")
CN_SURNAMES = ("Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Zhou", "Wu", "Xu",
               "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang",
               "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao",
               "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang", "Yu", "Du", "Ye", "Cheng", "Wei",
               "Shen", "Lu", "Fan", "Fu", "Zhong", "Shi", "Qian", "Kong", "Bai", "Cui", "Kang",
               "Mao", "Qiu", "Qin", "Jin", "Tan", "Lai", "Gu")
CN_SYLLABLES = ("Wei", "Ming", "Hua", "Jun", "Xin", "Yan", "Hong", "Jian", "Ping", "Lei",
                "Fang", "Tao", "Qiang", "Yun", "Bo", "Hui", "Kai", "Lan", "Ning", "Rui", "Song",
                "Ting", "Wen", "Yong", "Zhen", "Bin", "Chao", "Dan", "Feng", "Gang", "Hao",
                "Jie", "Kun", "Long", "Mei", "Peng", "Qing", "Shan", "Tian", "Yu")
RU_FIRST = ("Ivan", "Sergei", "Dmitry", "Alexei", "Nikolai", "Andrei", "Mikhail", "Pavel",
            "Yuri", "Oleg", "Vladimir", "Boris", "Anatoly", "Viktor", "Igor", "Maxim", "Roman",
            "Artem", "Denis", "Kirill", "Olga", "Tatiana", "Elena", "Natalia", "Irina", "Svetlana",
            "Anna", "Marina", "Yulia", "Ekaterina")
RU_LAST = ("Petrov", "Sokolov", "Volkov", "Morozov", "Lebedev", "Kozlov", "Novikov", "Popov",
           "Fedorov", "Orlov", "Pavlov", "Semenov", "Egorov", "Vinogradov", "Bogdanov",
           "Vorobyov", "Frolov", "Zaitsev", "Belov", "Medvedev", "Ershov", "Nikitin", "Sorokin",
           "Zakharov", "Komarov", "Kiselev", "Makarov", "Andreev", "Gusev", "Titov")
INITIALS = tuple("ABCDEFGHJKLMNPRSTVWY")
# title, parent entity
US_TITLES = (("Commerce Department spokesperson", "us-doc"),
             ("Assistant Secretary of Commerce", "us-doc"), ("Treasury official", "us-treasury"),
             ("Deputy Treasury Secretary", "us-treasury"),
             ("State Department spokesperson", "us-state-department"),
             ("White House national security spokesperson", "white-house"),
             ("OFAC director", "ofac"), ("BIS enforcement chief", "bis"))
CN_TITLES = (("Chinese Foreign Ministry spokesperson", "cn-mofa"),
             ("Chinese Commerce Ministry spokesperson", "cn-mofcom"),
             ("Chinese Vice Foreign Minister", "cn-mofa"))
RU_TITLES = (("Kremlin spokesperson", "kremlin"), ("Russian Deputy Defense Minister", ""),
             ("Russian Deputy Prime Minister", ""))
EXEC_TITLES = ("chief executive", "sales director", "founder", "chairman")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


word_slug = cache(slug)  # for the words names are made of


def slug_of(*words: str) -> str:
    return "-".join(map(word_slug, words))


class Names:
    """Distinct tuples from the product of word lists, in a seeded order (an affine permutation),
    with a numbered round appended once the product is used up."""

    def __init__(self, lists: Sequence[Sequence], rng: random.Random):
        self.lists = lists
        self.capacity = math.prod(len(words) for words in lists)
        self.step = rng.randrange(1, self.capacity)
        while math.gcd(self.step, self.capacity) != 1:
            self.step += 1
        self.offset = rng.randrange(self.capacity)
        self.count = 0

    def next(self) -> tuple[list, int]:
        number, self.count = self.count, self.count + 1
        index = (number % self.capacity * self.step + self.offset) % self.capacity
        picked = []
        for words in self.lists:
            index, position = divmod(index, len(words))
            picked.append(words[position])
        return picked, number // self.capacity


def numbered(name: str, round_: int) -> str:
    return f"{name} {round_ + 1}" if round_ else name


def numbering(round_: int) -> tuple[str, ...]:
    return (str(round_ + 1),) if round_ else ()


# ------------------------------------------------------------------ sources and entities


@dataclass(frozen=True)
class Source:
    index: int
    source_id: str
    publisher: str
    domain: str
    wire: str
    day: date  # when it was written; the published date never lies before it
    precision: str
    lower: bool

    def case(self, text: str) -> str:
        return text.lower() if self.lower else text


def plan_sources(count: int, rng: random.Random) -> list[Source]:
    """The metadata of every source, in publication order (dates never decrease)."""
    sources = []
    for index in range(count):
        publisher, domain, wires = PUBLISHERS[rng.randrange(len(PUBLISHERS))]
        wire = wires[rng.randrange(len(wires))] if wires and rng.random() < 0.6 else ""
        day = FIRST_DAY + timedelta(days=SPAN_DAYS * index // max(count, 1))
        roll = rng.random()
        precision = ("day" if roll < 0.7 else "month" if roll < 0.8 else
                     "year" if roll < 0.85 else "unknown")
        lower = index > 1 and rng.random() < LOWER_CASE_SHARE
        width = max(3, len(str(count - 1)))
        sources.append(Source(index, f"{publisher}-{index:0{width}d}", publisher, domain, wire,
                              day, precision, lower))
    return sources


@dataclass(slots=True)
class Entity:
    entity_id: str
    full: str  # as the text prints it
    short: str  # a later mention, a substring of `full`
    intro: str  # the first mention; a substring of it establishes the country
    kind: str  # company, person, institute, ngo
    nationality: str = ""  # for people: us, cn, ru; "" for a company's executive
    mentioned: bool = False


class EntityFactory:
    """Generated entities: companies, people, institutes and NGOs with distinct names."""

    PATTERN = ("company", "company", "person", "company", "company", "institute", "company",
               "person", "company", "ngo")

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.count = 0
        self.companies = Names((CITIES, WORDS, TRADES, COMPANY_SUFFIXES), rng)
        self.institutes = Names((INSTITUTE_CITIES, WORDS, INSTITUTE_KINDS, FIELDS), rng)
        self.ngos = Names((US_FIRST, US_LAST, NGO_KINDS, TOPICS), rng)
        self.us_people = Names((US_FIRST, INITIALS, US_LAST), rng)
        self.cn_people = Names((CN_SURNAMES, CN_SYLLABLES, CN_SYLLABLES), rng)
        self.ru_people = Names((RU_FIRST, INITIALS, RU_LAST), rng)

    def make(self, source: Source, companies: list[Entity]) -> tuple[Entity, str, str]:
        """An entity, its CSV row and its two alias rows."""
        kind = self.PATTERN[self.count % len(self.PATTERN)]
        self.count += 1
        entity, country, parent = getattr(self, kind)(companies)
        case, src, entity_id = source.case, source.source_id, entity.entity_id
        full = quote(entity.full)
        country_cells = f"{country},{src},{quote(case(entity.intro))}" if country else ",,"
        basis = "nationality" if country else ""  # "Chinese firm ...", "Russian official ..."
        row = f"{entity_id},{full},{ENTITY_TYPES[kind]},{country_cells},{parent},,{basis}\n"
        aliases = (f"{entity_id},{src},{quote(case(entity.full)) if source.lower else full},\n"
                   f"{entity_id},{src},{case(entity.short)},\n")  # short names need no quotes
        return entity, row, aliases

    def company(self, companies: list[Entity]) -> tuple[Entity, str, str]:
        (place, word, trade, suffix), round_ = self.companies.next()
        full = numbered(f"{place.city} {word} {trade} {suffix}", round_)
        entity_id = slug_of(place.city, word, trade, suffix, *numbering(round_))
        short = f"{word} {trade}"
        parent = companies[-1] if companies and self.rng.random() < 0.15 else None
        if parent is not None:  # the text shows the parent, not the country
            entity = Entity(entity_id, full, short, f"{parent.short} subsidiary {full}",
                            "company")
            return entity, "", parent.entity_id
        adjective = place.adjectives[self.rng.randrange(len(place.adjectives))]
        noun = COMPANY_NOUNS[self.rng.randrange(len(COMPANY_NOUNS))]
        entity = Entity(entity_id, full, short, f"{adjective} {noun} {full}", "company")
        return entity, place.country, ""

    def institute(self, companies: list[Entity]) -> tuple[Entity, str, str]:
        (place, word, kind, topic), round_ = self.institutes.next()
        full = numbered(f"{place.city} {word} {kind} {topic}", round_)
        entity_id = slug_of(place.city, word, kind, topic, *numbering(round_))
        short = f"{word} {kind.split()[0]}"
        intro = f"{place.adjectives[0]} state-owned {full}"
        return Entity(entity_id, full, short, intro, "institute"), place.country, ""

    def ngo(self, companies: list[Entity]) -> tuple[Entity, str, str]:
        """Named after a person, as foundations often are."""
        (first, last, kind, topic), round_ = self.ngos.next()
        full = numbered(f"{first} {last} {kind} {topic}", round_)
        entity_id = slug_of(first, last, kind, topic, *numbering(round_))
        short = f"{last} {kind.split()[0]}"
        intro = f"the research group {full}"
        return Entity(entity_id, full, short, intro, "ngo"), "", ""

    def person(self, companies: list[Entity]) -> tuple[Entity, str, str]:
        roll = self.rng.random()
        if companies and roll < 0.25:
            employer = companies[self.rng.randrange(len(companies))]
            title = EXEC_TITLES[self.rng.randrange(len(EXEC_TITLES))]
            full, short, entity_id = self.person_name("cn")
            entity = Entity(entity_id, full, short, f"{employer.short} {title} {full}",
                            "person", "")
            return entity, "", employer.entity_id
        nationality = "us" if roll < 0.65 else "cn" if roll < 0.9 else "ru"
        titles = {"us": US_TITLES, "cn": CN_TITLES, "ru": RU_TITLES}[nationality]
        title, parent = titles[self.rng.randrange(len(titles))]
        full, short, entity_id = self.person_name(nationality)
        entity = Entity(entity_id, full, short, f"{title} {full}", "person", nationality)
        country = {"Chinese": "CN", "Russian": "RU"}.get(title.split()[0], "")
        return entity, country, parent

    def person_name(self, nationality: str) -> tuple[str, str, str]:
        """(full name, surname, entity id)."""
        if nationality == "cn":
            (surname, first, second), round_ = self.cn_people.next()
            given = first + second.lower()
            return (numbered(f"{surname} {given}", round_), surname,
                    slug_of(surname, given, *numbering(round_)))
        names = self.us_people if nationality == "us" else self.ru_people
        (first, initial, last), round_ = names.next()
        return (numbered(f"{first} {initial}. {last}", round_), last,
                slug_of(first, initial, last, *numbering(round_)))


ENTITY_TYPES = {"company": "company", "person": "person", "institute": "research-institute",
                "ngo": "ngo"}


def base_entity_rows(first: Source, second: Source) -> tuple[str, str]:
    """The fixed entities, with their forms in the background of the first two texts."""
    entities, aliases = [], []
    for entity_id, name, kind, country, parent, form, other in BASE_ENTITIES:
        country_cells = (f"{country},{first.source_id},{quote(first.case(form))}" if country
                         else ",,")
        basis = {"": "", "country": "is-the-country"}.get(country and kind, "government-organ")
        entities.append(f"{entity_id},{quote(name)},{kind},{country_cells},{parent},,{basis}\n")
        aliases.append(f"{entity_id},{first.source_id},{quote(first.case(form))},\n")
        aliases.append(f"{entity_id},{second.source_id},{quote(second.case(other))},\n")
    return "".join(entities), "".join(aliases)


# ------------------------------------------------------------------ sentence frames

# A claim row is "<claim_id>,<tail>,<notes>": the tail holds the cells from subject_entity_id
# to asserted_date_note. Frames hold the pieces a kind of sentence shares, already CSV-quoted, so
# that a claim costs a few string joins.
NO_QUANTITY, NO_PERIOD, NO_ASSERTED_DATE = ",,", ",,,", ",,"


def claim_rest(by: str, *, end_use: str = "", quantity: str = NO_QUANTITY,
               period: str = NO_PERIOD, stance: str = "asserts", hedge: str = "",
               forecast: bool = False, asserted: str = NO_ASSERTED_DATE) -> str:
    """Claim cells from end_use_as_stated to asserted_date_note."""
    return (f"{quote_term(end_use)},{quantity},{period},{by},{stance},{quote_term(hedge)},"
            f"{'true' if forecast else 'false'},{asserted}")


@dataclass(frozen=True)
class SupplyFrame:
    singular: str  # the verb phrase (with its hedge, if any)
    plural: str
    objects: str  # "to Russia for cruise missiles": the words after the goods
    lead: str  # the attribution opening a sentence
    tail: str  # the attribution closing one
    attribution: tuple[str, ...]  # attribution_as_stated, quoted: [2 * at_lead + lower_case]
    claim: str  # ",supplies,<object>," : the cells between subject and item
    rest: str  # "," + the cells after the item


@cache
def supply_frames() -> tuple[SupplyFrame, ...]:
    frames = []
    for singular, plural, hedge in SUPPLY_VERBS:
        for end_use in ("", "", "", *END_USES):
            for object_words, object_id in RU_OBJECTS:
                for attribution, by in ATTRIBUTIONS:
                    comma = "," if attribution.startswith("according") else ""
                    stated_as = (attribution, attribution.lower(), cap(attribution),
                                 attribution.lower())
                    frames.append(SupplyFrame(
                        singular, plural, f"to {object_words} {end_use}".rstrip(),
                        f"{cap(attribution)}{comma}", attribution,
                        tuple(quote(words) for words in stated_as),
                        f",supplies,{object_id},",
                        "," + claim_rest(by, end_use=end_use, hedge=hedge)))
    return tuple(frames)


@cache
def goods() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(words, item cells) for one to three goods of different categories: 'x, y and z' and
    'category,item' for each."""
    choices = random.Random(0)
    combos = []
    for size, count in ((1, 0), (2, 1500), (3, 1500)):
        picks = ([[item] for item in SUPPLY_ITEMS] if size == 1 else
                 [choices.sample(SUPPLY_ITEMS, size) for _ in range(count)])
        for items in picks:
            if len({category for category, _ in items}) == size:
                combos.append((series([words for _, words in items]),
                               tuple(f"{category},{quote(words)}" for category, words in items)))
    # as many one-, two- and three-item lists
    singles = [c for c in combos if len(c[1]) == 1]
    return tuple(singles * 40 + [c for c in combos if len(c[1]) > 1])


SUBJECT_COUNTS = (1, 1, 1, 1, 2, 2, 2, 3, 3, 3)


# ------------------------------------------------------------------ one source's text and rows

# claim cells from subject to asserted_date_note per claim; evidence cells from source_id to
# notes (with the line end) shared by those claims; claims.notes (quoted); whether the later
# claims' notes point to the first claim instead
Group = tuple[list[str], tuple[str, ...], str, bool]


@dataclass
class Period:
    phrase: str  # as the sentence states it
    cells: str  # period_start..period_note, joined


@dataclass
class Built:
    """What one source contributes to each table, as CSV text, plus its claim groups."""

    groups: list[Group] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    actions: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    echoes: list[str] = field(default_factory=list)  # sentences for the next source's text


class SourceBuilder:
    """Writes the text of one source sentence by sentence, and the rows that quote it."""

    def __init__(self, rng: random.Random, source: Source, following: Source | None,
                 factory: EntityFactory, entity_count: int):
        self.rng = rng
        self.random = rng.random
        self.source = source
        self.following = following  # the source that repeats some of this one's sentences
        self.case = source.case
        self.lower = source.lower
        self.sid = source.source_id
        self.sentences: list[str] = []
        self.built = Built()
        self.companies: list[Entity] = []
        self.people: dict[str, list[Entity]] = {"us": [], "cn": [], "ru": [], "": []}
        self.others: list[Entity] = []
        for _ in range(entity_count):
            entity, row, aliases = factory.make(source, self.companies)
            self.built.entities.append(row)
            self.built.aliases.append(aliases)
            if entity.kind == "company":
                self.companies.append(entity)
            elif entity.kind == "person":
                self.people[entity.nationality].append(entity)
            else:
                self.others.append(entity)

    # -- small helpers

    def pick(self, options: Sequence):
        return options[int(self.random() * len(options))]

    def chance(self, probability: float) -> bool:
        return self.random() < probability

    @staticmethod
    def mention(entity: Entity) -> str:
        if entity.mentioned:
            return entity.short
        entity.mentioned = True
        return entity.intro

    @staticmethod
    def base(entity_id: str) -> str:
        return BASE[entity_id][5]

    def slot(self, slot: str) -> tuple[str, str]:
        """(entity id, words) for a template slot."""
        if slot == "co":
            if self.companies:
                entity = self.pick(self.companies)
                return entity.entity_id, self.mention(entity)
            return "cn-companies", "Chinese companies"
        if slot in ("usp", "cnp"):
            people = self.people["us" if slot == "usp" else "cn"]
            if people:
                entity = self.pick(people)
                return entity.entity_id, self.mention(entity)
            return ("us-officials", "a senior US official") if slot == "usp" else \
                ("cn-officials", "Chinese officials")
        if slot == "rudi":
            return "ru-defense-industry", "Russia's defense industry"
        return slot, self.base(slot)

    def evidence(self, source: Source, sentence: str, attribution: str = "",
                 figure: tuple[str, str, str, str] = ("", "", "", ""), note: str = "") -> str:
        words, value, unit, qualifier = figure
        if source.lower:
            attribution, words = attribution.lower(), words.lower()
        return (f"{source.source_id},{quote(sentence)},{quote_term(attribution)},"
                f"{quote_term(words)},{value},{unit},{qualifier},{quote_term(note)}\n")

    def say(self, body: str, attribution: str, lead: bool, source: Source | None = None) -> str:
        """The sentence in the case of `source` (default: this one), attributed at its start
        or its end."""
        if lead:
            comma = "," if attribution.startswith("according") else ""
            text = f"{cap(attribution)}{comma} {body}."
        else:
            text = f"{cap(body)}, {attribution}."
        return (source or self.source).case(text)

    def add(self, sentence: str, *groups: Group) -> None:
        self.sentences.append(sentence)
        self.built.groups.extend(groups)

    def follower(self) -> Source | None:
        """The next source, if it is to repeat the sentence being written (in its own words,
        which `echo` adds to its text)."""
        if self.following is None or self.random() >= ECHO_SHARE:
            return None
        return self.following

    def echo(self, sentence: str) -> str:
        self.built.echoes.append(sentence)
        return sentence

    # -- dates

    def period(self) -> Period:
        """A period before the source's date, as a sentence would state it."""
        day = self.source.day
        roll = self.random()
        if roll < 0.4:
            year = day.year - 1
            if self.source.precision != "unknown" and self.chance(0.4):
                note = quote(f'"last year" in a text published in {day.year}: {year}.')
                return Period("last year", f"{year}-01-01,{year}-12-31,year,{note}")
            phrase = f"in {year}"
            return Period(phrase, f"{year}-01-01,{year}-12-31,year,{self.noted(phrase)}")
        if roll < 0.7:
            quarter = (day.month - 1) // 3 - 1
            year = day.year - (quarter < 0)
            quarter %= 4
            start = date(year, 3 * quarter + 1, 1)
            end = date(year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1) - timedelta(days=1)
            phrase = f"in the {QUARTERS[quarter]} quarter of {year}"
            return Period(phrase, f"{start},{end},quarter,{self.noted(phrase)}")
        if roll < 0.9:
            end = day.replace(day=1) - timedelta(days=1)
            first = end.replace(day=1)
            phrase = f"in {MONTHS[first.month - 1]} {first.year}"
            return Period(phrase, f"{first},{end},month,{self.noted(phrase)}")
        when = day - timedelta(days=self.rng.randrange(1, 40))
        phrase = f"on {MONTHS[when.month - 1]} {when.day}, {when.year}"
        return Period(phrase, f"{when},{when},day,{self.noted(phrase)}")

    def noted(self, phrase: str) -> str:
        return from_phrase(self.case(phrase))

    def asserted(self) -> tuple[str, str]:
        """(words for the sentence, asserted-date cells): when a statement was made."""
        day, roll = self.source.day, self.random()
        when = day - timedelta(days=self.rng.randrange(0, 7))
        if roll < 0.4:
            words = f"on {MONTHS[when.month - 1]} {when.day}, {when.year}"
            return words, f"{when},day,{stated(self.case(words))}"
        weekday = f"on {WEEKDAYS[when.weekday()]}"
        if self.source.precision == "day":
            note = f'"{self.case(weekday)}" in a text dated {day}: {when}.'
            return weekday, f"{when},day,{quote(note)}"
        if roll < 0.7:
            note = (f'"{self.case(weekday)}" in a text whose day of publication is not known, '
                    "so the date cannot be derived.")
            return weekday, f",unknown,{quote(note)}"
        words = f"in {MONTHS[day.month - 1]} {day.year}"
        return words, f"{day.replace(day=1)},month,{stated(self.case(words))}"

    # -- figures

    def figure(self, unit: str, value: int, qualifier: str | None = None) -> tuple[str, ...]:
        """(words, value, unit, qualifier) for a figure as a text states it."""
        if qualifier is None:
            qualifier = self.pick(QUALIFIERS)
        if unit == "percent":
            number = f"{value}%" if self.chance(0.7) else f"{value} percent"
        elif unit == "usd":
            number = (f"${value // 1_000_000} million" if value < 1_000_000_000 else
                      f"${value / 1_000_000_000:g} billion")
        else:
            number = f"{value:,}"
        words = self.pick(FIGURE_WORDS[qualifier]).format(number)
        return words, str(value), unit, qualifier

    # -- claim sentences, one method per kind

    def supply(self) -> None:
        """'X and Y are likely supplying A and B to Russia for ..., US officials said.': a
        claim for each company and each of the goods."""
        rand, frames, combos = self.random, supply_frames(), goods()
        frame = frames[int(rand() * len(frames))]
        words, items = combos[int(rand() * len(combos))]
        companies = self.companies
        if companies:
            count = min(SUBJECT_COUNTS[int(rand() * 10)], len(companies))
            start = int(rand() * len(companies))
            subjects = (companies[start:start + count] if start + count <= len(companies)
                        else companies[start:] + companies[:start + count - len(companies)])
            names, ids = [], []
            for entity in subjects:
                names.append(entity.short if entity.mentioned else entity.intro)
                entity.mentioned = True
                ids.append(entity.entity_id)
            verb = frame.singular if count == 1 else frame.plural
        else:
            names, ids, verb = ["Chinese companies"], ["cn-companies"], frame.plural
        body = f"{series(names)} {verb} {words} {frame.objects}"
        lead = rand() < 0.5
        sentence = f"{frame.lead} {body}." if lead else f"{body}, {frame.tail}."
        if self.lower:
            sentence = sentence.lower()
        evidence = (f"{self.sid},{quote(sentence)},"
                    f"{frame.attribution[2 * lead + self.lower]},,,,,\n",)
        follower = self.follower()
        if follower is not None:  # the later text names the companies by their short names
            shorts = series([e.short for e in subjects] if companies else names)
            echo = self.echo(follower.case(f"{frame.lead} {shorts} {verb} {words} "
                                           f"{frame.objects}."))
            attribution = frame.attribution[2 + follower.lower]
            evidence += (f"{follower.source_id},{quote(echo)},{attribution},,,,,"
                         "Repeats an earlier report.\n",)
        claim, rest = frame.claim, frame.rest
        tails = [subject + claim + item + rest for subject in ids for item in items]
        self.add(sentence, (tails, evidence, "", rand() < 0.5))

    def market_share(self) -> None:
        category, words = self.pick(SUPPLY_ITEMS)
        value = self.rng.randrange(20, 96)
        figure = self.figure("percent", value)
        period = self.period()
        attribution, by = self.pick(ATTRIBUTIONS)
        china = self.pick(("China", "Chinese suppliers", "Beijing"))
        sentence = self.case(f"{china} accounted for {figure[0]} of Russia's imports of "
                             f"{words} {period.phrase}, {attribution}.")
        evidence = (self.evidence(self.source, sentence, attribution, figure),)
        note, quantity = "", f"{value},percent,{figure[3]}"
        follower = self.follower()
        if follower is not None:  # the same share, in other words, perhaps qualified otherwise
            other = self.figure("percent", value, figure[3] if self.chance(0.5) else None)
            echo = self.echo(follower.case(f"Russia got {other[0]} of its {words} from China "
                                           f"{period.phrase}."))
            evidence += (self.evidence(follower, echo, "", other,
                                       "Repeats an earlier report without attribution."),)
            if other[3] != figure[3]:
                quantity = NO_QUANTITY
                note = quote(f'The sources differ: "{self.case(figure[0])}" ({self.sid}) and '
                             f'"{follower.case(other[0])}" ({follower.source_id}). The figures '
                             "are kept per source in claim_evidence.")
        tail = (f"cn,supplies,ru,{category},{quote(words)},"
                f"{claim_rest(by, quantity=quantity, period=period.cells)}")
        self.add(sentence, ([tail], evidence, note, False))

    def trade_value(self) -> None:
        category, words = self.pick(SUPPLY_ITEMS)
        year = self.source.day.year
        low = self.rng.randrange(1, 20) * 50_000_000
        high = low * self.rng.randrange(2, 6)
        first, second = self.figure("usd", low, ""), self.figure("usd", high)
        attribution, by = self.pick(ATTRIBUTIONS)
        sentence = self.case(f"Russia's imports of {words} from China rose from {first[0]} in "
                             f"{year - 2} to {second[0]} in {year - 1}, {attribution}.")
        groups = []
        for figure, period_year in ((first, year - 2), (second, year - 1)):
            note = self.noted(f"in {period_year}")
            period = f"{period_year}-01-01,{period_year}-12-31,year,{note}"
            rest = claim_rest(by, quantity=f"{figure[1]},usd,{figure[3]}", period=period)
            groups.append(([f"ru,imports,cn,{category},{quote(words)},{rest}"],
                           (self.evidence(self.source, sentence, attribution, figure),), "",
                           False))
        self.add(sentence, *groups)

    def shipments(self) -> None:
        category, words = self.pick(COUNTED_ITEMS)
        subject, name = self.slot("co")
        figure = self.figure("count", self.rng.randrange(2, 400) * 10)
        attribution, by = self.pick(ATTRIBUTIONS)
        forecast = self.chance(0.3)
        if forecast:  # a plan for next year: the period may lie after publication
            year = self.source.day.year + 1
            body = f"{name} plans to deliver {figure[0]} {words} to Russia in {year}"
            period = f"{year}-01-01,{year}-12-31,year,{self.noted(f'in {year}')}"
            hedge = "plans to"
        else:
            stated_period = self.period()
            body = f"{name} shipped {figure[0]} {words} to Russia {stated_period.phrase}"
            period, hedge = stated_period.cells, ""
        sentence = self.say(body, attribution, False)
        rest = claim_rest(by, quantity=f"{figure[1]},count,{figure[3]}", period=period,
                          hedge=hedge, forecast=forecast)
        self.add(sentence, ([f"{subject},supplies,ru,{category},{quote(words)},{rest}"],
                            (self.evidence(self.source, sentence, attribution, figure),), "",
                            False))

    def war_duration(self) -> None:
        """'Russia's war against Ukraine, now more than two years old, ...': a duration."""
        years = (self.source.day - WAR_START).days // 365
        if years < 1:
            return self.generic()
        figure = ("more than one year" if years == 1 else f"more than {NUMBER_WORDS[years]} years",
                  str(years), "years", "more-than")
        sentence = self.case(f"Russia's war against Ukraine has lasted {figure[0]}, and Western "
                             "officials say Chinese goods have helped sustain it.")
        rest = claim_rest(self.source.wire or self.source.publisher,
                          quantity=f"{years},years,more-than")
        self.add(sentence, ([f"ru,wages-war-against,ua,,{quote(self.case('war against Ukraine'))},"
                             f"{rest}"],
                            (self.evidence(self.source, sentence, "", figure),), "", False))

    def denial(self) -> None:
        category, words = self.pick(SUPPLY_ITEMS + WEAPONS)
        when, asserted = self.asserted() if self.chance(0.5) else ("", NO_ASSERTED_DATE)
        when = f" {when}" if when else ""
        if self.companies and self.chance(0.6):
            subject, name = self.slot("co")
            attribution = f"{name} said{when}"
            sentence = self.case(f"{attribution} that it had never supplied {words} to Russia.")
            by, object_id = subject, "ru"
        else:
            subject, by, object_id = "cn", "cn-mofa", ""
            attribution = f"{self.base('cn-mofa')} said{when}"
            sentence = self.case(f"{attribution} that Beijing had never provided {words} to "
                                 "either side in the conflict.")
        rest = claim_rest(by, stance="denies", asserted=asserted)
        self.add(sentence, ([f"{subject},supplies,{object_id},{category},{quote(words)},{rest}"],
                            (self.evidence(self.source, sentence, attribution),), "", False))

    def no_evidence(self) -> None:
        category, words = self.pick(WEAPONS)
        attribution, by = self.pick(OFFICIALS_SAID)
        attribution = cap(attribution)
        sentence = self.case(f"{attribution} they had found no evidence that China was "
                             f"supplying {words} to Russia.")
        rest = claim_rest(by, stance="finds-no-evidence")
        self.add(sentence, ([f"cn,supplies,ru,{category},{quote(words)},{rest}"],
                            (self.evidence(self.source, sentence, attribution),), "", False))

    def trip(self) -> None:
        subject, name = self.slot("usp")
        hedge = self.pick(("is expected to", "plans to"))
        sentence = self.case(f"{cap(name)} {hedge} travel to Beijing next month for talks on "
                             "export controls.")
        rest = claim_rest(self.source.wire or self.source.publisher, hedge=hedge, forecast=True)
        self.add(sentence, ([f"{subject},visits,cn,,talks on export controls,{rest}"],
                            (self.evidence(self.source, sentence),),
                            quote('"Next month" relative to the date of the text.'), False))

    def generic(self) -> None:
        """The other predicates, from templates of `GENERIC`: one statement, or two joined by
        "and" that share the quote and the attribution."""
        heads, bodies = [], []
        for _ in range(1 + (self.random() < 0.4)):
            predicate, subject_slot, object_slot, template, item, category = self.pick(GENERIC)
            subject, subject_words = self.slot(subject_slot)
            object_id, object_words = self.slot(object_slot) if object_slot else ("", "")
            bodies.append(template.format(S=subject_words, O=object_words))
            heads.append(f"{subject},{predicate},{object_id},{category},"
                         f"{quote_term(self.case(item))},")
        body = ", and ".join(bodies)
        asserted, roll = NO_ASSERTED_DATE, self.random()
        if roll < 0.3:  # "..., US officials said on Tuesday."
            attribution, by = self.pick(SAID)
            when, asserted = self.asserted()
            attribution = f"{attribution} {when}"
            sentence = self.say(body, attribution, False)
        elif roll < 0.6:
            attribution, by = self.pick(ATTRIBUTIONS)
            lead = self.chance(0.3)
            attribution = cap(attribution) if lead else attribution  # as printed
            sentence = self.say(body, attribution, lead)
        else:  # the report's own words
            by, attribution = self.source.wire or self.source.publisher, ""
            sentence = self.case(cap(body) + ".")
        rest = claim_rest(by, asserted=asserted)
        self.add(sentence, ([head + rest for head in heads],
                            (self.evidence(self.source, sentence, attribution),), "", False))

    KINDS = (("supply", 42), ("generic", 25), ("market_share", 7), ("trade_value", 4),
             ("shipments", 6), ("denial", 8), ("no_evidence", 3), ("trip", 3),
             ("war_duration", 1))

    def claims(self, quota: int) -> None:
        """Sentences until they hold `quota` claims (the last group is cut to fit)."""
        kinds = [getattr(self, name) for name, weight in self.KINDS for _ in range(weight)]
        groups, rand, held = self.built.groups, self.random, 0
        while held < quota:
            before = len(groups)
            kinds[int(rand() * len(kinds))]()
            for index in range(before, len(groups)):
                tails = groups[index][0]
                if held + len(tails) > quota:
                    del tails[quota - held:]
                held += len(tails)
        self.built.groups = [group for group in groups if group[0]]

    # -- actions, one method per kind: (action cells after action_id up to notes, quotes,
    # target cells after target_no)

    def targets(self, rows: list[tuple[str, str, str, str, str]]) -> list[str]:
        """Target cells after action_id and target_no: entity, country, count, basis, notes."""
        return [f"{entity},{country},{count},{basis},{quote(note)}\n"
                for entity, country, count, basis, note in rows]

    def named_targets(self, most: int) -> tuple[list[Entity], list[str]]:
        if not self.companies:
            return [], []
        picked = list({e.entity_id: e for e in (self.pick(self.companies)
                                                for _ in range(most))}.values())
        return picked, [self.mention(e) for e in picked]

    def action_day(self) -> tuple[str, str]:
        """(words, action_date..action_date_note cells) for a measure announced lately, to
        the day."""
        words, cells = self.asserted()
        if ",unknown," in cells or ",month," in cells:
            when = self.source.day - timedelta(days=self.rng.randrange(1, 7))
            words = f"on {MONTHS[when.month - 1]} {when.day}, {when.year}"
            cells = f"{when},day,{stated(self.case(words))}"
        return words, cells

    def entity_list(self) -> tuple[str, list[str], list[str]]:
        total = self.rng.randrange(8, 60)
        chinese = self.rng.randrange(total // 2, total - 1)
        other = self.rng.randrange(1, total - chinese)
        rest = total - chinese - other
        country = BASE[self.pick(("tr", "ae", "kz", "in", "by"))]
        _, words = self.pick(SUPPLY_ITEMS)
        when, day_cells = self.action_day()
        reason = f"for supplying {words} to Russia's military"
        named, names = self.named_targets(2)
        derived_total = self.chance(0.3)
        if derived_total:
            counted = f"{chinese} Chinese entities and {other} from {country[5]}"
            total = chinese + other
            total_note = quote(f"{chinese} + {other} = {total}, by addition.")
        else:
            counted = (f"{total} entities, including {chinese} based in China and {other} in "
                       f"{country[5]}")
            total_note = ""
        first = self.case(f"{cap(self.base('us-doc'))} said {when} that it had added {counted} "
                          f"to the Entity List {reason}.")
        measure = "Suppliers will need a special license to ship goods to entities on the list"
        second = self.case((f"The companies added include {series(names)}. " if names else "")
                           + measure + ".")
        rows = [(e.entity_id, "", "", "", "") for e in named]
        rows.append(("", "CN", str(chinese), "stated", ""))
        rows.append(("", country[3], str(other), "stated", ""))
        if rest and not derived_total and self.chance(0.5):
            rows.append(("", "", str(rest), "derived",
                         f'"the rest": {total} - {chinese} - {other} = {rest}.'))
        cells = (f"us-doc,{self.pick(('us-doc', 'bis', ''))},entity-list-addition,imposed,"
                 f"{day_cells},{quote(self.case('the Entity List'))},"
                 f"{quote(self.case(measure))},{quote(self.case(reason))},{total},{total_note}")
        return cells, [first, second], self.targets(rows)

    def sanctions(self) -> tuple[str, list[str], list[str]]:
        total = self.rng.randrange(3, 30)
        chinese = self.rng.randrange(1, total + 1)
        _, words = self.pick(SUPPLY_ITEMS)
        when, day_cells = self.action_day()
        reason = f"for helping Russia obtain {words}"
        named, names = self.named_targets(1)
        first = self.case(f"{cap(self.base('us-treasury'))} {when} imposed sanctions on {total} "
                          f"companies and individuals, including {chinese} in China, {reason}.")
        measure = "freeze any U.S. assets"
        target = series(names) if names else "the targets"
        second = self.case(f"The sanctions {measure} of {target} and bar Americans from dealing "
                           "with them.")
        rows = [(e.entity_id, "", "", "", "") for e in named]
        rows.append(("", "CN", str(chinese), "stated", ""))
        if chinese < total and self.chance(0.5):
            rows.append(("", "", str(total - chinese), "derived",
                         f"{total} - {chinese} = {total - chinese} outside China."))
        cells = (f"us-treasury,ofac,sanctions,imposed,{day_cells},,{quote(self.case(measure))},"
                 f"{quote(self.case(reason))},{total},")
        return cells, [first, second], self.targets(rows)

    def threat(self) -> tuple[str, list[str], list[str]]:
        person, name = self.slot("usp")
        measure = "prepared to sanction Chinese banks"
        first = self.case(f"{cap(name)} warned that Washington was {measure} that help Russia's "
                          "military.")
        second = self.case("Banks that facilitate such transactions risk U.S. sanctions, the "
                           "official added.")
        rows = [("cn-banks", "", "", "", "")]
        if self.chance(0.5):
            rows.append(("cn-companies", "", "", "", "Named with the banks."))
        note = "The text does not say when the warning was given."
        cells = (f"us,{person},sanctions,threatened,,unknown,{quote(note)},,"
                 f"{quote(self.case(measure))},,,")
        return cells, [first, second], self.targets(rows)

    def authority(self) -> tuple[str, list[str], list[str]]:
        month = self.source.day.replace(day=1) - timedelta(days=self.rng.randrange(1, 90))
        month = month.replace(day=1)
        phrase = f"in {MONTHS[month.month - 1]} {month.year}"
        measure = ("the authority to sanction foreign banks that aid Russia's "
                   "military-industrial base")
        first = self.case(f"{cap(self.base('white-house'))} said an executive order signed "
                          f"{phrase} gives the Treasury {measure}.")
        second = self.case("The order allows penalties against banks in China found to be "
                           "helping Russia's war effort.")
        rows = [("foreign-banks-aiding-ru", "", "", "", ""), ("cn-banks", "", "", "", "")]
        cells = (f"us,white-house,sanctions,authorised,{month},month,{self.noted(phrase)},"
                 f"{quote(self.case('an executive order'))},{quote(self.case(measure))},,,")
        return cells, [first, second], self.targets(rows[:1 + self.chance(0.5)])

    def eu_package(self) -> tuple[str, list[str], list[str]]:
        total = self.rng.randrange(10, 80)
        chinese = self.rng.randrange(1, total // 2 + 1)
        hong_kong = self.rng.randrange(0, total - chinese)
        when, day_cells = self.action_day()
        instrument = "a new package of sanctions"
        first = self.case(f"{cap(self.base('eu'))} {when} adopted {instrument} that lists "
                          f"{total} companies, including {chinese} in China and {hong_kong} in "
                          "Hong Kong.")
        measure = "ban EU exports of dual-use goods to them"
        named, names = self.named_targets(1)
        second = self.case((f"The listed companies include {series(names)}. " if names else "")
                           + f"The measures {measure}.")
        rows = [(e.entity_id, "", "", "", "") for e in named]
        rows += [("", "CN", str(chinese), "stated", ""), ("", "HK", str(hong_kong), "stated", "")]
        cells = (f"eu-council,eu,sanctions,imposed,{day_cells},{quote(self.case(instrument))},"
                 f"{quote(self.case(measure))},,{total},")
        return cells, [first, second], self.targets(rows)

    ACTIONS = (("entity_list", 4), ("sanctions", 3), ("threat", 1), ("authority", 1),
               ("eu_package", 2))

    def actions(self, count: int) -> None:
        kinds = [getattr(self, name) for name, weight in self.ACTIONS for _ in range(weight)]
        for _ in range(count):
            cells, quotes, targets = self.pick(kinds)()
            self.sentences.extend(quotes)
            evidence = [f"{self.sid},{quote(text)},\n" for text in quotes]
            self.built.actions.append((cells, evidence, targets))

    # -- the text

    def text(self, echoes: list[str]) -> tuple[str, list[str]]:
        """The archived text, and the sources row's cells from publisher_entity_id to url
        followed by its notes."""
        source, case = self.source, self.case
        unnamed = [e for e in self.all_entities() if not e.mentioned]
        if unnamed:
            self.sentences.append(case("The findings also named " +
                                       series([self.mention(e) for e in unnamed]) + "."))
        silent = [e.short for e in self.companies[:4]]
        if silent:
            self.sentences.append(case(f"{series(silent)} did not respond to requests for "
                                       "comment."))
        sentences = self.sentences
        if echoes:
            sentences[1:1] = echoes
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        if source.index < 2:
            paragraphs.append(case(BACKGROUND))
        title = case(self.headline()) if self.chance(0.7) else ""
        author = (f"{self.pick(AUTHOR_FIRST)} {self.pick(AUTHOR_LAST)}"
                  if not source.wire and self.chance(0.6) else "")
        place = self.pick(DATELINES)
        wire_name = BASE[source.wire][6] if source.wire else ""
        lead = (f"{place} ({wire_name}) — " if place and wire_name else
                f"{place} — " if place else "")
        dated, published, note = self.publication()
        head = [title, case(f"By {author}") if author else "", case(dated)]
        text = ("\n".join(h for h in head if h) + "\n\n" + case(lead)
                + "\n\n".join(paragraphs) + "\n")
        url = (f"https://www.{source.domain}/world/{slug(title or 'report')}-{source.index}"
               if self.chance(0.5) else "")
        notes = "Synthetic text generated by cnru.synth."
        if source.wire:
            notes = (f"{BASE[source.wire][1]} report as republished by "
                     f"{BASE[source.publisher][1]}. " + notes)
        if source.lower:
            notes += " The archived text is all lower case."
        return text, [source.publisher, source.wire, title, author, place, published,
                      source.precision, note, url, notes]

    def all_entities(self) -> list[Entity]:
        return self.companies + [e for group in self.people.values() for e in group] + self.others

    def headline(self) -> str:
        count = len(self.companies) or 2
        return self.pick((f"US Blacklists {count} Firms for Aiding Russia's Defense Industry",
                          "China Denies Supplying Weapons to Russia",
                          "Chinese Parts Keep Flowing to Russia's Arms Makers",
                          "West Presses Beijing Over Dual-Use Exports",
                          f"Sanctions Target {count} Suppliers of Russia's Military"))

    def publication(self) -> tuple[str, str, str]:
        """(date line of the text, published_date, published_date_note)."""
        day, precision = self.source.day, self.source.precision
        if precision == "day":
            words = f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
            return words, str(day), f'Stated in the text as "{self.case(words)}".'
        if precision == "month":
            words = f"Updated {MONTHS[day.month - 1]} {day.year}"
            return words, str(day.replace(day=1)), (
                f'The text gives only the month: "{self.case(words)}".')
        if precision == "year":
            words = f"© {day.year} {BASE[self.source.publisher][1]}"
            note = f'The text gives only the year: "{self.case(words)}".'
            return words, f"{day.year}-01-01", note
        return "", "", "The text states no date."


# ------------------------------------------------------------------ writing the package


class Files:
    """The package's CSV files, written a chunk per source in their schemas' column order, and
    the archived texts."""

    def __init__(self, out: Path, tables: dict[str, Layout]):
        self.layouts = tables
        self.files = ExitStack()
        self.csv = {name: self.files.enter_context((out / "data" / f"{name}.csv").open(
            "w", encoding="utf-8", newline="", buffering=1 << 20)) for name in tables}
        self.rows = dict.fromkeys(tables, 0)
        for name, layout in tables.items():
            self.csv[name].write(line(layout.fields))

    def table(self, name: str, lines: list[str]) -> None:
        text = "".join(lines)
        self.rows[name] += text.count("\n")  # cells never hold a line break
        self.csv[name].write(self.layouts[name].arrange(text))

    def close(self) -> None:
        self.files.close()


def id_format(prefix: str, count: int, digits: int) -> str:
    return f"{prefix}-%0{max(digits, len(str(count)))}d"


@dataclass
class Numbers:
    """The identifiers given so far, and their formats."""

    claim_id: str
    evidence_id: str
    action_id: str
    action_evidence_id: str
    claims: int = 0
    evidence: int = 0
    actions: int = 0
    action_evidence: int = 0


def generate(out: Path, claims: int, rng: random.Random, tables: dict[str, Layout],
             ) -> dict[str, int]:
    """Write data/*.csv and sources/*.txt; return the row count of each table."""
    source_count = max(MIN_SOURCES, round(claims / CLAIMS_PER_SOURCE))
    sources = plan_sources(source_count, rng)
    entity_total = round(claims * ENTITIES_PER_CLAIM)
    action_total = round(claims * ACTIONS_PER_CLAIM)
    numbers = Numbers(id_format("c", claims, 4), id_format("ev", 2 * claims + 1, 4),
                      id_format("a", action_total, 3), id_format("ae", 2 * action_total + 1, 4))
    factory = EntityFactory(rng)
    (out / "sources").mkdir()
    files = Files(out, tables)
    try:
        entities, aliases = base_entity_rows(sources[0], sources[1])
        files.table("entities", [entities])
        files.table("entity_aliases", [aliases])
        echoes: list[str] = []
        for source in sources:
            index = source.index
            following = sources[index + 1] if index + 1 < source_count else None
            builder = SourceBuilder(rng, source, following, factory,
                                    share(entity_total, source_count, index))
            builder.claims(share(claims, source_count, index))
            builder.actions(share(action_total, source_count, index))
            text, cells = builder.text(echoes)
            echoes = builder.built.echoes
            data = text.encode("utf-8")
            digest = hashlib.sha256(data).hexdigest()
            name = f"{index:06d}_{digest[:16]}.txt"
            (out / "sources" / name).write_bytes(data)
            files.table("sources", [line([source.source_id, *cells[:-1], name, digest, "en",
                                          cells[-1]])])
            write_rows(files, builder.built, numbers)
    finally:
        files.close()
    return files.rows


def write_rows(files: Files, built: Built, numbers: Numbers) -> None:
    """One source's rows, numbered on from the previous source's."""
    files.table("entities", built.entities)
    files.table("entity_aliases", built.aliases)
    claims, evidence = [], []
    claim_id, evidence_id = numbers.claim_id, numbers.evidence_id
    number, evidence_number = numbers.claims, numbers.evidence
    for tails, cells, note, cross_reference in built.groups:
        later = None
        for tail in tails:
            number += 1
            cid = claim_id % number
            if later is None:  # the group's first claim
                claims.append(f"{cid},{tail},{note}\n")
                later = f"Same quote as {cid}." if cross_reference else note
            else:
                claims.append(f"{cid},{tail},{later}\n")
            for evidence_cells in cells:
                evidence_number += 1
                evidence.append(f"{evidence_id % evidence_number},{cid},{evidence_cells}")
    numbers.claims, numbers.evidence = number, evidence_number
    files.table("claims", claims)
    files.table("claim_evidence", evidence)
    actions, targets, action_evidence = [], [], []
    previous = None
    for cells, quotes, target_rows in built.actions:
        numbers.actions += 1
        aid = numbers.action_id % numbers.actions
        note = f"See also {previous} (the same text)." if previous else ""
        actions.append(f"{aid},{cells},{note}\n")
        previous = aid
        targets.extend(f"{aid},{no},{row}" for no, row in enumerate(target_rows, 1))
        for quoted in quotes:
            numbers.action_evidence += 1
            action_evidence.append(
                f"{numbers.action_evidence_id % numbers.action_evidence},{aid},{quoted}")
    files.table("actions", actions)
    files.table("action_targets", targets)
    files.table("action_evidence", action_evidence)


# ------------------------------------------------------------------ the package


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
    tables = layouts(template, descriptor)
    (out / "data").mkdir(parents=True, exist_ok=True)
    shutil.copytree(template / "schemas", out / "schemas")
    if (template / "scripts").is_dir():  # the model's build SQL, so the package builds the same
        shutil.copytree(template / "scripts", out / "scripts")
    generate(out, claims, random.Random(seed), tables)
    descriptor.update({
        "name": "cnru-synthetic",
        "title": f"Synthetic package of the {descriptor.get('name', 'cnru')} model",
        "description": (f"Synthetic data generated by cnru.synth (seed {seed}, {claims} claims): "
                        "invented texts, entities, claims and actions in the model of "
                        f"{descriptor.get('name', 'the template')}. Not a record of real events."),
        "sources": [{"title": "Synthetic texts generated by cnru.synth, in sources/"}],
    })
    # last, so that an interrupted run leaves no package that looks complete
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False)
                                          + "\n", encoding="utf-8")
    if not corrupt:
        return []
    planted = plant(out, claims, seed, corrupt, tables)
    (out / "planted.json").write_text(json.dumps(planted, indent=2) + "\n", encoding="utf-8")
    return planted


# ------------------------------------------------------------------ planted errors

ERROR_KINDS = ("type-error", "constraint-error", "foreign-key", "primary-key", "missing-cell",
               "extra-cell", "quote-not-in-source", "period-order", "claim-without-evidence",
               "formula-injection")
CLAIMS_FILE, EVIDENCE_FILE = "data/claims.csv", "data/claim_evidence.csv"
# the field each kind of error is planted in (and reported on)
PLANTED_FIELD = {"type-error": "period_start", "constraint-error": "predicate",
                 "foreign-key": "subject_entity_id", "primary-key": "evidence_id",
                 "extra-cell": None, "quote-not-in-source": "quote", "period-order": "period_end",
                 "claim-without-evidence": "claim_id", "formula-injection": "notes"}
FORMULA = '=HYPERLINK("https://example.com/","details")'
CHANGES = {"formula-injection": {"notes": FORMULA},
           "type-error": {"period_start": "2023-13-45"},
           "constraint-error": {"predicate": "sells-to"},
           # aligned with its precision, early enough for any source
           "period-order": {"period_start": "2019-01-01", "period_end": "2018-12-31",
                            "period_precision": "year",
                            "period_note": "Planted: the period ends before it starts."}}


@dataclass
class Planting:
    code: str
    file: str
    row: int | None  # claims: the claim's row; claim_evidence: found while rewriting
    field: str | None
    claim: int  # the claim whose row, or whose first evidence row, is changed

    def record(self) -> dict:
        return {"code": self.code, "file": self.file, "row": self.row, "field": self.field}


def plan_plantings(claims: int, count: int, rng: random.Random,
                   tables: dict[str, Layout]) -> list[Planting]:
    """Each error on its own claim (never claim 1, whose first evidence id `primary-key`
    repeats); the kinds that may sit in either table alternate between claims and evidence."""
    numbers = rng.sample(range(2, claims + 1), count)
    plantings, seen = [], dict.fromkeys(ERROR_KINDS, 0)
    for index, number in enumerate(numbers):
        code = ERROR_KINDS[index % len(ERROR_KINDS)]
        occurrence, seen[code] = seen[code], seen[code] + 1
        in_evidence = (code in ("primary-key", "quote-not-in-source") or
                       code in ("missing-cell", "extra-cell", "formula-injection")
                       and occurrence % 2 == 1)
        table = "claim_evidence" if in_evidence else "claims"
        # a missing cell is the row's last
        field_name = tables[table].fields[-1] if code == "missing-cell" else PLANTED_FIELD[code]
        plantings.append(Planting(code, EVIDENCE_FILE if in_evidence else CLAIMS_FILE,
                                  None if in_evidence else number, field_name, number))
    return plantings


def plant(out: Path, claims: int, seed: int, count: int, tables: dict[str, Layout],
          ) -> list[dict]:
    """Rewrite claims.csv and claim_evidence.csv with `count` errors; list them."""
    rng = random.Random(f"cnru.synth plantings {seed}")
    plantings = plan_plantings(claims, count, rng, tables)
    claim_id = id_format("c", claims, 4)
    claim, evidence = tables["claims"].position, tables["claim_evidence"].position
    in_claims = {claim_id % p.claim: p for p in plantings if p.file == CLAIMS_FILE}
    rewrite(out / CLAIMS_FILE, claim["claim_id"], in_claims, lambda cells, planting:
            edit(cells, planting, claim, first_id=""))
    in_evidence = {claim_id % p.claim: p for p in plantings if p.file == EVIDENCE_FILE}
    dropped = {claim_id % p.claim for p in plantings if p.code == "claim-without-evidence"}
    with open(out / EVIDENCE_FILE, encoding="utf-8", newline="") as file:
        rows = csv.reader(file)
        next(rows)
        first_id = next(rows)[evidence["evidence_id"]]  # claim 1's, never dropped nor edited
    rewrite(out / EVIDENCE_FILE, evidence["claim_id"], in_evidence, lambda cells, planting:
            edit(cells, planting, evidence, first_id), dropped)
    return [p.record() for p in plantings]


def rewrite(path: Path, claim_column: int, plantings: dict[str, Planting],
            change: Callable[[list[str], Planting], list[str]],
            dropped: set[str] = frozenset()) -> None:
    """Rewrite `path`: rows of `dropped` claims left out, and the first row of each planted
    claim changed (its row number noted in the planting)."""
    with open(path, encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    kept = [rows[0]]
    for cells in rows[1:]:
        if cells[claim_column] in dropped:
            continue
        planting = plantings.pop(cells[claim_column], None)
        if planting is not None:
            planting.row = len(kept)
            cells = change(cells, planting)
        kept.append(cells)
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as target:
        csv.writer(target, lineterminator="\n").writerows(kept)
    temporary.replace(path)


def edit(cells: list[str], planting: Planting, field: dict[str, int], first_id: str,
         ) -> list[str]:
    """The row with its planted error."""
    code = planting.code
    if code == "missing-cell":
        return cells[:-1]
    if code == "extra-cell":
        return [*cells, "extra"]
    if code == "quote-not-in-source":  # a word added: every substring stays in it
        changes = {"quote": "Allegedly, " + cells[field["quote"]]}
    elif code == "foreign-key":
        changes = {"subject_entity_id": f"no-such-entity-{planting.claim}"}
    elif code == "primary-key":
        changes = {"evidence_id": first_id}
    else:  # claim-without-evidence: the row stays, its evidence rows go
        changes = CHANGES.get(code, {})
    for name, value in changes.items():
        cells[field[name]] = value
    return cells


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Write a synthetic package of the cnru model.")
    parser.add_argument("out", type=Path, help="directory to write the package to")
    parser.add_argument("--claims", type=int, default=10_000, help="number of claims")
    parser.add_argument("--seed", type=int, default=0, help="random seed; same seed, same files")
    parser.add_argument("--corrupt", type=int, default=0,
                        help="plant this many known errors, listed in OUT/planted.json")
    parser.add_argument("--template", type=Path, default=Path("."),
                        help="the package whose descriptor, schemas and scripts to copy")
    args = parser.parse_args(argv)
    try:
        planted = synthesize(args.template, args.out, args.claims, args.seed, args.corrupt)
    except UsageError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({args.claims} claims, {len(planted)} planted errors)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
