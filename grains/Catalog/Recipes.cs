using Retail.Common;

namespace Retail.Catalog;

/// <summary>Recipe rules: components exist, quantities are sane, and no recipe leads back to itself.</summary>
public static class Recipes
{
    public static async Task<DomainError?> FindProblemAsync(Sku sku, Func<string, Task<Sku?>> lookup)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string Code, string Path)>();
        foreach (var component in sku.Components)
        {
            if (component.Sku == sku.Code)
                return Cycle($"{sku.Code} -> {sku.Code}");
            if (await lookup(component.Sku) is null)
                return new DomainError(ErrorCodes.UnknownSku, $"Component {component.Sku} is not a known SKU.", "components");
            pending.Push((component.Sku, $"{sku.Code} -> {component.Sku}"));
        }
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next.Code))
                continue;
            var definition = await lookup(next.Code);
            foreach (var component in definition?.Components ?? [])
            {
                var path = $"{next.Path} -> {component.Sku}";
                if (component.Sku == sku.Code)
                    return Cycle(path);
                pending.Push((component.Sku, path));
            }
        }
        return null;
    }

    /// <summary>
    /// What one unit of a SKU writes off: a dish or service its recipe's components (a service
    /// without a recipe writes off nothing), goods themselves.
    /// </summary>
    public static IReadOnlyList<RecipeComponent> WriteOffPerUnit(Sku sku) => sku.Kind switch
    {
        SkuKind.Service => sku.Components,
        SkuKind.Dish when sku.Components.Count > 0 => sku.Components,
        _ => [new RecipeComponent(sku.Code, 1)],
    };

    private static DomainError Cycle(string path) =>
        new(ErrorCodes.ValidationFailed, $"The recipe leads back to itself: {path}.", "components");
}
