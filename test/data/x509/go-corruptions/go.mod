module scc/test/x509corruptions

go 1.19
