FROM debian:latest AS builder
RUN true
