FROM mcr.microsoft.com/windows/servercore:ltsc2022@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
SHELL [ "cmd.exe", "/S", "/C" ]
RUN dir C:\ | findstr Windows
