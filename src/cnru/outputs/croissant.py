"""`build/croissant.json`: the package described in Croissant 1.0 (MLCommons' JSON-LD format
for datasets), generated from the Table Schemas; and `dataset_jsonld`, the schema.org `Dataset`
block for a web page.

One file object per built Parquet file, with its SHA-256; one record set per table, with a
field per column (its schema.org data type, description and source column), the primary key
as the record set's `key`, and each foreign key to an earlier table as a field's `references`
(readers such as mlcroissant load a record set after those it references, so references must
not go round: the two others, from `sources` to `entities` and from `entities` to itself, are
named in the record set's description, as in the database's comments).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..engine.descriptor import Package, as_list

CROISSANT = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
PARQUET = "application/x-parquet"
DATA_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float",
              "boolean": "sc:Boolean", "date": "sc:Date"}
# The context of Croissant 1.0, as its specification gives it.
CONTEXT = {
    "@language": "en", "@vocab": "https://schema.org/", "citeAs": "cr:citeAs",
    "column": "cr:column", "conformsTo": "dct:conformsTo",
    "equivalentProperty": "cr:equivalentProperty", "samplingRate": "cr:samplingRate", "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/", "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"}, "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"}, "extract": "cr:extract",
    "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath", "key": "cr:key",
    "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex",
    "repeated": "cr:repeated", "replace": "cr:replace", "sc": "https://schema.org/",
    "separator": "cr:separator", "source": "cr:source", "subField": "cr:subField",
    "transform": "cr:transform",
}


def licence_url(package: Package) -> str:
    licences = package.descriptor.get("licenses", [])
    return str(licences[0].get("path") or licences[0].get("name")) if licences else ""


def creators(package: Package) -> list[dict]:
    return [{"@type": "sc:Organization", "name": str(item.get("title", ""))}
            for item in package.descriptor.get("contributors", []) if item.get("title")]


def dataset_jsonld(package: Package, files: dict[str, str] | None = None) -> dict:
    """A schema.org `Dataset` for a page's `<script type="application/ld+json">`: name,
    description, version, licence, keywords, creators, and a `DataDownload` per file (archive
    name -> encoding format) in `files`."""
    descriptor = package.descriptor
    dataset = {
        "@context": "https://schema.org/", "@type": "Dataset",
        "name": str(descriptor.get("title", package.name)),
        "alternateName": package.name,
        "description": str(descriptor.get("description", "")),
        "version": package.version,
        "license": licence_url(package),
        "keywords": list(descriptor.get("keywords", [])),
        "creator": [{"@type": "Organization", "name": c["name"]} for c in creators(package)],
        "isAccessibleForFree": True,
    }
    if files:
        dataset["distribution"] = [{"@type": "DataDownload", "contentUrl": name,
                                    "encodingFormat": kind} for name, kind in files.items()]
    return dataset


def built_files(package: Package) -> dict[str, str]:
    """The files `cnru build` writes beside its page that a reader downloads, with their
    encoding formats: the descriptions, the database and each table's Parquet file."""
    return {CROISSANT: "application/ld+json", "datapackage.json": "application/json",
            "cnru.duckdb": "application/vnd.duckdb",
            **{f"parquet/{r.name}.parquet": PARQUET for r in package.resources}}


def croissant(package: Package, checksums: dict[str, str]) -> dict:
    """The Croissant description of the built tables; `checksums`: archive name -> SHA-256 of
    each built Parquet file, e.g. `parquet/claims.parquet`."""
    distribution, record_sets, earlier = [], [], set()
    for resource in package.resources:
        path = f"parquet/{resource.name}.parquet"
        file_id = f"parquet-{resource.name}"
        distribution.append({
            "@type": "cr:FileObject", "@id": file_id, "name": file_id,
            "description": f"The {resource.name} table, typed, as Parquet.",
            "contentUrl": path, "encodingFormat": PARQUET, "sha256": checksums[path],
        })
        references, unstated = {}, []
        for key in resource.schema.get("foreignKeys", []):
            target = key["reference"].get("resource") or resource.name
            if target in earlier and len(as_list(key["fields"])) == 1:
                references[as_list(key["fields"])[0]] = key["reference"]
            else:
                unstated.append(f"{', '.join(as_list(key['fields']))} -> {target} "
                                f"({', '.join(as_list(key['reference']['fields']))})")
        description = str(resource.item.get("description", ""))
        if unstated:
            description += f" Also references: {'; '.join(unstated)}."
        earlier.add(resource.name)
        fields = []
        for item in resource.fields:
            field = {
                "@type": "cr:Field", "@id": f"{resource.name}/{item['name']}",
                "name": item["name"], "description": str(item.get("description", "")),
                "dataType": DATA_TYPES[item.get("type", "string")],
                "source": {"fileObject": {"@id": file_id}, "extract": {"column": item["name"]}},
            }
            if item["name"] in references:
                target = references[item["name"]]
                field["references"] = {"field": {
                    "@id": f"{target.get('resource') or resource.name}/"
                           f"{as_list(target['fields'])[0]}"}}
            fields.append(field)
        key = [{"@id": f"{resource.name}/{name}"}
               for name in as_list(resource.schema.get("primaryKey") or [])]
        record_sets.append({
            "@type": "cr:RecordSet", "@id": resource.name, "name": resource.name,
            "description": description,
            **({"key": key[0] if len(key) == 1 else key} if key else {}),
            "field": fields,
        })
    dataset = dataset_jsonld(package)
    return {
        "@context": CONTEXT, "@type": "sc:Dataset", "conformsTo": CONFORMS_TO,
        "name": package.name, "description": dataset["description"],
        "alternateName": dataset["name"], "version": package.version,
        "license": dataset["license"], "keywords": dataset["keywords"],
        "creator": creators(package),
        "citeAs": f"{dataset['name']}, version {package.version}. {package.name}.",
        "distribution": distribution, "recordSet": record_sets,
    }


def write(package: Package, out: Path, checksums: dict[str, str]) -> Path:
    target = out / CROISSANT
    target.write_text(json.dumps(croissant(package, checksums), indent=2, ensure_ascii=False)
                      + "\n", encoding="utf-8")
    return target
