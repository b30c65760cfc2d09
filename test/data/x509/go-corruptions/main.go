// Prints what Fabric's Go shim (cid.GetID, i.e. Go's crypto/x509) makes of every single-byte
// corruption of the test certificates, for client_identity_test.cpp to compare with:
//
//	go run . ../*.pem > ../go-corruptions.txt   (with Go 1.19, the Go Fabric 2.5 builds with)
//
// Output: "cert <file> <DER length>", then one line per corrupting value: the value in hex, then
// one token per byte offset, "-" when Go refuses the certificate, else the first 8 hex digits
// of the SHA-256 of its decoded id ("x509::<subject>::<issuer>", what cid.GetID base64-encodes).
package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Values that break tags, lengths and strings; the same set the C++ test uses.
var values = []byte{0x00, 0x01, 0x0C, 0x13, 0x1F, 0x30, 0x7F, 0x80, 0x84, 0xFF}

func main() {
	for _, path := range os.Args[1:] {
		text, err := os.ReadFile(path)
		if err != nil {
			panic(err)
		}
		block, _ := pem.Decode(text)
		der := block.Bytes
		fmt.Printf("cert %s %d\n", filepath.Base(path), len(der))
		for _, v := range values {
			tokens := make([]string, len(der))
			for at := range der {
				corrupt := append([]byte(nil), der...)
				corrupt[at] = v
				tokens[at] = "-"
				cert, err := x509.ParseCertificate(corrupt)
				if err != nil {
					continue
				}
				id := "x509::" + cert.Subject.String() + "::" + cert.Issuer.String()
				tokens[at] = fmt.Sprintf("%x", sha256.Sum256([]byte(id)))[:8]
			}
			fmt.Printf("%02x %s\n", v, strings.Join(tokens, " "))
		}
	}
}
