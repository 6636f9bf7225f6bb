FROM mcr.microsoft.com/powershell:lts-debian-12@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
SHELL ["pwsh", "-Command"]
RUN Get-ChildItem Env: | Sort-Object Name | Select-Object -First 5
