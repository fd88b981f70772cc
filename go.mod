module github.com/confidant-dev/confidant

go 1.26

require (
	filippo.io/age v1.2.1
	github.com/andybalholm/brotli v1.3.0
	github.com/kljensen/snowball v0.10.0
	github.com/stretchr/testify v1.12.1
	github.com/syumai/workers v0.33.0
	github.com/yuin/goldmark v1.8.7
	golang.org/x/term v0.45.0
)

require (
	github.com/klauspost/compress v1.20.4
	github.com/tetratelabs/wazero v1.12.0
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sys v0.47.0 // indirect
)

require golang.org/x/crypto v0.55.0 // indirect
