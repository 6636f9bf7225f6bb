FROM docker.io/library/golang:1.22@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c AS builder1
FROM builder1 AS builder2
