// Converts the grammar, written in YAML, to the JSON that VS Code reads.
"use strict";

const fs = require("fs");
const path = require("path");
const yaml = require("js-yaml");

const dir = path.join(__dirname, "..", "syntaxes");
const grammar = yaml.load(fs.readFileSync(path.join(dir, "journey.tmLanguage.yaml"), "utf8"));
fs.writeFileSync(path.join(dir, "journey.tmLanguage.json"), JSON.stringify(grammar, null, 2) + "\n");
