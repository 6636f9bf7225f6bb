FROM debian AS builder
RUN true
