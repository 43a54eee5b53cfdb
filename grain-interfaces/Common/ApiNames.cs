using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retail.Common;

/// <summary>
/// The name an enum member has in the HTTP API: its <see cref="JsonStringEnumMemberNameAttribute"/>,
/// else its camel-cased name, as the API's JSON converter writes it. Declared once, on the member.
/// </summary>
public static class ApiNames
{
    public static string ToApiName<T>(this T value) where T : struct, Enum =>
        Names<T>.ByValue.TryGetValue(value, out var name) ? name
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(T).Name} member.");

    /// <summary>The API name, or the number of a value that is no member (a refused input's, for a log, a tag or a fingerprint).</summary>
    public static string ToApiNameOrNumber<T>(this T value) where T : struct, Enum =>
        Names<T>.ByValue.TryGetValue(value, out var name) ? name : Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    /// <summary>A member by its API name (exact, case-sensitive); no numbers, no combinations.</summary>
    public static bool TryParseApiName<T>(string? name, out T value) where T : struct, Enum =>
        Names<T>.ByName.TryGetValue(name ?? "", out value);

    /// <summary>"a, b or c": the API names of the given members, for a refusal's message.</summary>
    public static string Listed<T>(IEnumerable<T> values) where T : struct, Enum
    {
        var names = values.Select(v => v.ToApiName()).ToList();
        return names.Count < 2 ? string.Join("", names) : string.Join(", ", names[..^1]) + " or " + names[^1];
    }

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ByValue = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToFrozenDictionary(f => (T)f.GetValue(null)!,
                f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(f.Name));

        public static readonly FrozenDictionary<string, T> ByName = ByValue.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
