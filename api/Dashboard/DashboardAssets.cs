using System.Security.Cryptography;
using System.Text;

namespace Retail.Api.Dashboard;

/// <summary>One file of the dashboard: its bytes, media type and entity tag.</summary>
public sealed record DashboardAsset(byte[] Content, string ContentType, string ETag);

/// <summary>
/// The dashboard's files, embedded in the API assembly (nothing is fetched from elsewhere). Their
/// version is a hash of all of them: assets are addressed as <c>/assets/{version}/{name}</c> and kept
/// by browsers for a year, while the page naming them is revalidated on every visit.
/// </summary>
public sealed class DashboardAssets
{
    public const string IndexName = "index.html";
    private const string ResourcePrefix = "Dashboard/";
    private const string VersionPlaceholder = "__ASSET_VERSION__";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private readonly Dictionary<string, DashboardAsset> assets = new(StringComparer.Ordinal);

    public string Version { get; }

    public DashboardAsset Index { get; }

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[resource[ResourcePrefix.Length..].Replace('\\', '/')] = copy.ToArray();
        }
        if (!files.ContainsKey(IndexName))
            throw new InvalidOperationException("The dashboard's index.html is not embedded in the API assembly.");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, content) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData(content);
        }
        Version = Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
        foreach (var (name, content) in files)
        {
            var bytes = name == IndexName ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace(VersionPlaceholder, Version)) : content;
            assets[name] = new DashboardAsset(bytes, ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream"),
                $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }
        Index = assets[IndexName];
    }

    public DashboardAsset? Find(string name) => name != IndexName && assets.TryGetValue(name, out var asset) ? asset : null;

    /// <summary>All files but the page itself: what a first visit downloads at most.</summary>
    public IEnumerable<string> Names => assets.Keys.Where(n => n != IndexName);
}
