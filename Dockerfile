# syntax=docker/dockerfile:1
# One build, three runtime images (targets): web, rendezvous, peer.
# The steps are the ones scripts/publish.sh runs and tests on a plain machine: publish, then run the published output
# from inside its folder (its content root).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN bash scripts/publish.sh /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS web
WORKDIR /app
COPY --from=build /out/web .
ENV ASPNETCORE_URLS=http://0.0.0.0:5080 \
    Rendezvous__HistoryPath=/data/history.db \
    Bridge__DataPath=/data
VOLUME /data
EXPOSE 5080 1234 40000-40099
ENTRYPOINT ["dotnet", "WebPeerBridge.Web.dll"]

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS rendezvous
WORKDIR /app
COPY --from=build /out/rendezvous .
VOLUME /data
EXPOSE 1234
ENTRYPOINT ["dotnet", "WebPeerBridge.Rendezvous.dll"]
CMD ["--port", "1234", "--history", "/data/history.db"]

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS peer
WORKDIR /app
COPY --from=build /out/cli .
ENTRYPOINT ["dotnet", "WebPeerBridge.Cli.dll"]
