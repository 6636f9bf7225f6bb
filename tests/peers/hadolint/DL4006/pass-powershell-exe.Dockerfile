FROM mcr.microsoft.com/windows/servercore:ltsc2022@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
SHELL [ "powershell.exe" ]
RUN Get-ChildItem Env: | Sort-Object Name | Select-Object -First 5
