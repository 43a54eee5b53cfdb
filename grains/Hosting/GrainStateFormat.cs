using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;
using Orleans.Serialization;
using Orleans.Storage;
using Retail.Catalog;
using Retail.Registers.Fiscal;

namespace Retail.Hosting;

/// <summary>
/// How grain state is written to storage: by the Orleans serializer, so a state type's
/// <c>[Alias]</c> and member <c>[Id]</c>s are what a stored row depends on, and types and members
/// can be renamed or moved without touching stored rows.
/// </summary>
/// <remarks>
/// Rows written before this format are JSON (the providers' default: type names of the time in
/// <c>$type</c>). They are still read, through <see cref="LegacyJsonState"/>, and come back in this
/// format the next time the grain writes its state. A JSON row starts with <c>{</c>; a row in
/// the Orleans format starts with its root value's field header (field id 0), never with <c>{</c>.
/// </remarks>
public sealed class GrainStateFormat(Serializer serializer, IOptions<OrleansJsonSerializerOptions> jsonOptions) : IGrainStorageSerializer
{
    private readonly OrleansGrainStorageSerializer _current = new(serializer);
    private readonly LegacyJsonState _legacy = new(jsonOptions.Value.JsonSerializerSettings);

    public BinaryData Serialize<T>(T? input) => _current.Serialize(input);

    public T? Deserialize<T>(BinaryData input) =>
        IsJson(input.ToMemory().Span) ? _legacy.Deserialize<T>(input) : _current.Deserialize<T>(input);

    private static bool IsJson(ReadOnlySpan<byte> payload)
    {
        foreach (var b in payload)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            return b == (byte)'{';
        }
        return false;
    }
}

/// <summary>
/// Reads a grain state row written as JSON by earlier versions. Their type names are mapped to
/// today's (<see cref="LegacyTypeNames"/>), and a SKU's unit and VAT rate from the catalog's own
/// numbering of the time (<see cref="LegacySkuCodes"/>); everything else is read as those versions wrote it.
/// </summary>
public sealed class LegacyJsonState
{
    private readonly JsonSerializerSettings _settings;

    public LegacyJsonState(JsonSerializerSettings orleansDefaults)
    {
        _settings = new JsonSerializerSettings
        {
            TypeNameHandling = orleansDefaults.TypeNameHandling,
            PreserveReferencesHandling = orleansDefaults.PreserveReferencesHandling,
            DateFormatHandling = orleansDefaults.DateFormatHandling,
            DateParseHandling = orleansDefaults.DateParseHandling,
            DefaultValueHandling = orleansDefaults.DefaultValueHandling,
            MissingMemberHandling = MissingMemberHandling.Ignore,
            NullValueHandling = orleansDefaults.NullValueHandling,
            ConstructorHandling = orleansDefaults.ConstructorHandling,
            ObjectCreationHandling = orleansDefaults.ObjectCreationHandling,
            FloatParseHandling = orleansDefaults.FloatParseHandling,
            ContractResolver = orleansDefaults.ContractResolver,
            SerializationBinder = new LegacyTypeNames(orleansDefaults.SerializationBinder ?? new DefaultSerializationBinder()),
            Converters = [.. orleansDefaults.Converters],
        };
        _settings.Converters.Add(new LegacySkuCodes(JsonSerializer.Create(_settings)));
    }

    public T Deserialize<T>(BinaryData payload) =>
        JsonConvert.DeserializeObject<T>(payload.ToString(), _settings)
            ?? throw new JsonSerializationException($"A stored {typeof(T).Name} is JSON null.");
}

/// <summary>
/// The type names earlier versions wrote into stored JSON, mapped to the types of today: the root
/// namespace and assembly prefix <c>Retail.</c> became <c>Retail.</c>, and a collection the
/// compiler generated for a collection expression (<c>&lt;&gt;z__ReadOnly...</c>, in whichever
/// assembly built it) is read as a <see cref="List{T}"/> of its items.
/// </summary>
public sealed class LegacyTypeNames(ISerializationBinder inner) : ISerializationBinder
{
    // Split so that no rename of today's root can rewrite the old one.
    public const string OldRoot = "Retail" + ".Orleans.";
    public static readonly string NewRoot = typeof(LegacyTypeNames).Namespace![..^"Hosting".Length];

    public Type BindToType(string? assemblyName, string typeName)
    {
        (assemblyName, typeName) = Map(assemblyName, typeName);
        return inner.BindToType(assemblyName, typeName);
    }

    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName) =>
        inner.BindToName(serializedType, out assemblyName, out typeName);

    /// <summary>The assembly and type name of today for a stored pair.</summary>
    public static (string? Assembly, string Type) Map(string? assemblyName, string typeName)
    {
        typeName = typeName.Replace(OldRoot, NewRoot, StringComparison.Ordinal);
        if (assemblyName is not null && assemblyName.StartsWith(OldRoot, StringComparison.Ordinal))
            assemblyName = NewRoot + assemblyName[OldRoot.Length..];
        if (typeName.StartsWith("<>z__ReadOnly", StringComparison.Ordinal))
        {
            // "<>z__ReadOnlyArray`1[[System.String, System.Private.CoreLib]]": keep the arguments.
            var arguments = typeName[(typeName.IndexOf('[') is var open and > 0 ? open : typeName.Length)..];
            return (typeof(List<>).Assembly.GetName().Name, "System.Collections.Generic.List`1" + arguments);
        }
        return (assemblyName, typeName);
    }
}

/// <summary>
/// Until the catalog and the fiscal core shared one set of codes, the catalog numbered a SKU's unit
/// and VAT rate its own way (and JSON left out the zeros: pieces, 22%). Today's numbers are the FFD
/// tag values.
/// </summary>
public sealed class LegacySkuCodes(JsonSerializer plain) : JsonConverter<Sku>
{
    private static readonly MeasureUnit[] Units =
        [MeasureUnit.Piece, MeasureUnit.Kilogram, MeasureUnit.Gram, MeasureUnit.Liter, MeasureUnit.Milliliter, MeasureUnit.Meter];

    private static readonly VatRate[] Rates =
        [VatRate.Vat22, VatRate.Vat10, VatRate.Vat0, VatRate.None, VatRate.Vat5, VatRate.Vat7];

    public override bool CanWrite => false;

    public override Sku? ReadJson(JsonReader reader, Type objectType, Sku? existingValue, bool hasExistingValue, JsonSerializer serializer)
    {
        if (reader.TokenType == JsonToken.Null) return null;
        var stored = JObject.Load(reader);
        var unit = Code(stored, "Unit", Units);
        var vat = Code(stored, "Vat", Rates);
        return stored.ToObject<Sku>(plain)! with { Unit = unit, Vat = vat };
    }

    public override void WriteJson(JsonWriter writer, Sku? value, JsonSerializer serializer) =>
        throw new NotSupportedException("Grain state is no longer written as JSON.");

    private static T Code<T>(JObject stored, string name, T[] byOldNumber)
    {
        var number = stored.Value<int?>(name) ?? 0;
        stored.Remove(name);
        return number >= 0 && number < byOldNumber.Length ? byOldNumber[number]
            : throw new JsonSerializationException($"A stored SKU's {name} is {number}, which the catalog never had.");
    }
}
