package compiler

// The bundle: one file that carries a compiled workspace from CI to the
// runtime. docs/bundle.md describes the format. In short, a bundle is a
// JSON envelope around a body:
//
//	{"journey_bundle":1,"digest":"<sha256 of body>","body":{…},"signature":{…}}
//
// The body holds the manifest, the schema, the CEL environment's
// description, the step graphs with their checked conditions, and the
// templates the journeys send. It is written compact, with every list in
// a fixed order, so the same workspace gives the same bytes on any machine
// whatever order its files were named in. The digest catches a damaged or
// edited file; an optional ed25519 signature over the body says who built
// it.

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/journeylang/journey/stdlib"
)

// BundleFormat is the version of the bundle format this compiler writes.
// Format 2 added rules, holidays, business days, local send times and
// filtered counts to the IR: a runtime that reads only format 1 refuses
// such a bundle rather than run it without them.
const BundleFormat = 2

// OldestBundleFormat is the oldest format this runtime reads: a format 1
// bundle is a format 2 bundle that uses none of its additions.
const OldestBundleFormat = 1

// readableFormat reports whether this runtime reads bundles of format f.
func readableFormat(f int) bool { return f >= OldestBundleFormat && f <= BundleFormat }

// Version names this compiler in the bundles it writes.
const Version = "journey 0.1.0"

type envelope struct {
	Bundle    int             `json:"journey_bundle"`
	Digest    string          `json:"digest"`
	Body      json.RawMessage `json:"body"`
	Signature *Signature      `json:"signature,omitempty"`
}

// Signature is an ed25519 signature over a bundle's body.
type Signature struct {
	Algorithm string `json:"algorithm"` // ed25519
	KeyID     string `json:"key_id"`    // the first 16 hex digits of the SHA-256 of the public key
	Value     string `json:"value"`     // base64
}

type body struct {
	Format    int              `json:"format"`
	Compiler  string           `json:"compiler"`
	Manifest  Manifest         `json:"manifest"`
	Schema    *Schema          `json:"schema"`
	Env       json.RawMessage  `json:"env"`
	Journeys  []*Journey       `json:"journeys"`
	Templates []bundleTemplate `json:"templates"`
	Budget    *Budget          `json:"budget,omitempty"`   // absent when the workspace declares none
	Teams     []Team           `json:"teams,omitempty"`    // absent when the workspace declares none
	Rules     []*Rule          `json:"rules,omitempty"`    // in written order; absent when the workspace declares none
	Holidays  []string         `json:"holidays,omitempty"` // YYYY-MM-DD, sorted; absent when the workspace declares none
}

// Manifest says what a bundle holds.
type Manifest struct {
	Compiler     string            `json:"compiler"`
	SchemaDigest string            `json:"schema_digest"`
	Journeys     []ManifestJourney `json:"journeys"`
	Sources      []SourceFile      `json:"sources"`
	Templates    []SourceFile      `json:"templates"`
}

// ManifestJourney is one journey of a bundle.
type ManifestJourney struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	File    string `json:"file"`
}

type bundleTemplate struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Content string `json:"content"`
}

// Bundle is a bundle read and verified.
type Bundle struct {
	Manifest  Manifest
	Program   *Program
	Signature *Signature // nil when unsigned
}

// WriteBundle encodes a program as a bundle, signed when key is not nil.
func WriteBundle(p *Program, key ed25519.PrivateKey) ([]byte, error) {
	b, err := newBody(p)
	if err != nil {
		return nil, err
	}
	return encodeBundle(b, key, sizeHint(p))
}

// sizeHint guesses the size of p's bundle from the size of its journeys'
// digested forms, which leave out their source positions and the rest of
// the body (a bundle of the generated workspace is 1.5 times the size), so
// that its buffer is allocated once rather than doubled its way there.
func sizeHint(p *Program) int {
	n := p.digested*8/5 + 64<<10
	for _, t := range p.Templates {
		n += len(t.Content) * 5 / 4
	}
	return n
}

// newBody is the body of p's bundle.
func newBody(p *Program) (*body, error) {
	env, err := envConfig(p.envs)
	if err != nil {
		return nil, err
	}
	b := &body{Format: BundleFormat, Compiler: Version, Schema: p.Schema, Env: env, Journeys: p.Journeys, Budget: p.Budget, Teams: p.Teams, Rules: p.Rules, Holidays: p.Holidays}
	b.Manifest = manifest(p)
	for _, t := range p.Templates {
		b.Templates = append(b.Templates, bundleTemplate{Name: t.Name, File: t.File, Content: string(t.Content)})
	}
	return b, nil
}

func manifest(p *Program) Manifest {
	m := Manifest{Compiler: Version, SchemaDigest: p.Schema.Digest(), Sources: p.Sources, Templates: []SourceFile{}}
	for _, j := range p.Journeys {
		m.Journeys = append(m.Journeys, ManifestJourney{Name: j.Name, Version: j.Version, File: j.Source.File})
	}
	for _, t := range p.Templates {
		m.Templates = append(m.Templates, SourceFile{File: t.File, SHA256: sha256Hex(t.Content)})
	}
	return m
}

// KeyID names a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// sha256Hex is the SHA-256 of b in hex: the digest of a body, a schema or
// a file.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ReadOptions say how a bundle is verified.
type ReadOptions struct {
	// PublicKey, when set, requires the bundle to be signed by its private
	// key.
	PublicKey ed25519.PublicKey
}

// ErrBundle is wrapped by every error about a bundle's content.
var ErrBundle = errors.New("bundle refused")

// ErrNotBundle is wrapped, with ErrBundle, by the error about data that is
// not a bundle at all (another kind of file), as against a bundle that is
// damaged, unsigned or made for another version.
var ErrNotBundle = errors.New("not a Journey bundle")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBundle, fmt.Sprintf(format, args...))
}

// ReadBundle decodes and verifies a bundle: its digest, its signature
// (when opts asks for one), its format, and that its conditions were
// checked against the CEL environment this runtime builds from the
// bundle's schema.
func ReadBundle(data []byte, opts ReadOptions) (*Bundle, error) {
	var e envelope
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&e); err != nil || e.Bundle == 0 {
		return nil, fmt.Errorf("%w: %w (no journey_bundle envelope)", ErrBundle, ErrNotBundle)
	}
	if !readableFormat(e.Bundle) {
		return nil, refuse("bundle format %d; this runtime reads formats %d to %d: recompile it with this version of journey", e.Bundle, OldestBundleFormat, BundleFormat)
	}
	if sha256Hex(e.Body) != e.Digest {
		return nil, refuse("the bundle's content does not match its digest: it was changed or damaged after it was compiled")
	}
	if opts.PublicKey != nil {
		switch {
		case e.Signature == nil:
			return nil, refuse("the bundle is not signed, and a signature was required")
		case e.Signature.Algorithm != "ed25519":
			return nil, refuse("the bundle is signed with %q; only ed25519 is supported", e.Signature.Algorithm)
		case e.Signature.KeyID != KeyID(opts.PublicKey):
			return nil, refuse("the bundle is signed by key %s, not by the given key %s", e.Signature.KeyID, KeyID(opts.PublicKey))
		}
		sig, err := base64.StdEncoding.DecodeString(e.Signature.Value)
		if err != nil || !ed25519.Verify(opts.PublicKey, e.Body, sig) {
			return nil, refuse("the signature does not verify: the bundle was changed after it was signed")
		}
	}
	var b body
	if err := json.Unmarshal(e.Body, &b); err != nil {
		return nil, refuse("its body does not decode: %v", err)
	}
	if b.Format != e.Bundle || b.Schema == nil {
		return nil, refuse("its body is not a format %d bundle", e.Bundle)
	}
	if b.Schema.Digest() != b.Manifest.SchemaDigest {
		return nil, refuse("its schema does not match the manifest's schema digest")
	}
	if _, err := stdlib.ParseHolidays(b.Holidays); err != nil {
		return nil, refuse("its holidays are not dates: %v", err)
	}
	if !b.Budget.valid() {
		return nil, refuse("its send budget %s is not one a workspace can declare", b.Budget)
	}
	envs, err := newEnvs(b.Schema)
	if err != nil {
		return nil, refuse("its schema does not make a CEL environment: %v", err)
	}
	conf, err := envConfig(envs)
	if err != nil {
		return nil, refuse("%v", err)
	}
	if !bytes.Equal(conf, b.Env) {
		return nil, refuse("it was compiled for another CEL environment (another version of the journey function library): recompile it with this version of journey")
	}
	p := &Program{Schema: b.Schema, Journeys: b.Journeys, Sources: b.Manifest.Sources, Budget: b.Budget, Teams: b.Teams, Rules: b.Rules, Holidays: b.Holidays, envs: envs}
	for _, t := range b.Templates {
		p.Templates = append(p.Templates, NewTemplate(t.Name, t.File, []byte(t.Content)))
	}
	for _, j := range p.Journeys {
		j.index()
	}
	return &Bundle{Manifest: b.Manifest, Program: p, Signature: e.Signature}, nil
}

// ReadPrivateKey reads an ed25519 private key from a PEM file (PKCS #8,
// as `openssl genpkey -algorithm ed25519` writes it).
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	block, err := readPEM(path, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an ed25519 private key", path)
	}
	return key, nil
}

// ReadPublicKey reads an ed25519 public key from a PEM file (PKIX, as
// `openssl pkey -pubout` writes it).
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	block, err := readPEM(path, "PUBLIC KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	key, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an ed25519 public key", path)
	}
	return key, nil
}

func readPEM(path, kind string) (*pem.Block, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != kind {
		return nil, fmt.Errorf("%s: no PEM %q block", path, kind)
	}
	return block, nil
}
