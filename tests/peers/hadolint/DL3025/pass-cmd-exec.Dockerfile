FROM scratch AS build
CMD ["/app", "--serve"]
CMD [ "/app", "--serve" ]
