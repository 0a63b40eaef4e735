// The Journey extension: starts `journey lsp` (the path is the setting
// journey.path) as the language server of .journey files.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("journey").get("path") || "journey";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "journey",
    "Journey",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "journey" }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.journey,templates/*.md,templates/*.html}"),
      },
    },
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("journey.path")) {
        await deactivate();
        activate(context);
      }
    }),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
