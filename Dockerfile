# One build for both images: docker build --target api . / docker build --target silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so a code change does not repeat the package restore.
COPY Directory.Build.props Directory.Packages.props ./
COPY grain-interfaces/Retail.GrainInterfaces.csproj grain-interfaces/
COPY grains/Retail.Grains.csproj grains/
COPY api/Retail.Api.csproj api/
COPY silo/Retail.Silo.csproj silo/
RUN dotnet restore api/Retail.Api.csproj \
 && dotnet restore silo/Retail.Silo.csproj
COPY grain-interfaces/ grain-interfaces/
COPY grains/ grains/
# The grains assembly embeds the schema scripts.
COPY deploy/sql/ deploy/sql/
COPY api/ api/
COPY silo/ silo/
RUN dotnet publish api/Retail.Api.csproj -c Release --no-restore -o /out/api -p:UseAppHost=false \
 && dotnet publish silo/Retail.Silo.csproj -c Release --no-restore -o /out/silo -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
WORKDIR /app
COPY --from=build /out/silo .
USER $APP_UID
EXPOSE 11111 30000
ENTRYPOINT ["dotnet", "Retail.Silo.dll"]

# The default target: the HTTP API with its co-hosted silo.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS api
WORKDIR /app
COPY --from=build /out/api .
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "Retail.Api.dll"]
