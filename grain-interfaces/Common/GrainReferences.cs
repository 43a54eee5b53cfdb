using Orleans.Runtime;

namespace Retail.Common;

/// <summary>
/// The one way to name a grain by its string key. Orleans works out a grain's interface and class
/// names by reflection on every <c>GetGrain</c> call; a receipt names a dozen grains, so here they are
/// worked out once per interface and the reference is built from its id.
/// </summary>
public static class GrainReferences
{
    public static T Get<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        if (Kind<T>.Names is { } names)
            return (T)grains.GetGrain(GrainId.Create(names.Type, key), names.Interface);
        var reference = grains.GetGrain<T>(key);
        Kind<T>.Names = Resolved(reference);
        return reference;
    }

    private static (GrainType Type, GrainInterfaceType Interface)? Resolved(object reference) =>
        reference is GrainReference grain ? (grain.GrainId.Type, grain.InterfaceType) : null;

    private static class Kind<T>
    {
        public static (GrainType Type, GrainInterfaceType Interface)? Names;
    }
}
