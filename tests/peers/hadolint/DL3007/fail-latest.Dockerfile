FROM debian:latest
