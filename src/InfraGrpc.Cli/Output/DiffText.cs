using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Output;

/// <summary>A revision diff for people: value changes by key, the chart version, then a unified diff per resource.</summary>
internal static class DiffText
{
    public static void Write(TextWriter writer, Proto.RevisionDiff diff)
    {
        writer.WriteLine($"revision {diff.FromRevision} → {diff.ToRevision}");
        if (diff.FromChartVersion.Length > 0 || diff.ToChartVersion.Length > 0)
        {
            writer.WriteLine($"chart: {diff.FromChartVersion} → {diff.ToChartVersion}");
        }

        foreach (var value in diff.Values)
        {
            var line = value.Change switch
            {
                Proto.ChangeType.Added => $"+ {value.Key}: {Printer.Json(value.NewValue)}",
                Proto.ChangeType.Removed => $"- {value.Key}: {Printer.Json(value.OldValue)}",
                _ => $"~ {value.Key}: {Printer.Json(value.OldValue)} → {Printer.Json(value.NewValue)}",
            };
            writer.WriteLine(line);
        }

        foreach (var resource in diff.Resources)
        {
            writer.WriteLine($"{resource.Change} {resource.Resource.Kind}/{resource.Resource.Name}");
            writer.Write(resource.UnifiedDiff);
            if (!resource.UnifiedDiff.EndsWith('\n'))
            {
                writer.WriteLine();
            }
        }
    }
}

/// <summary>A deploy plan for people, like Terraform's: <c>+</c> create, <c>~</c> update, <c>-</c> destroy, then the counts.</summary>
internal static class PlanText
{
    public static void Write(TextWriter writer, Proto.DeployPlan? plan)
    {
        if (plan is null)
        {
            return;
        }

        foreach (var change in plan.Changes.Where(c => c.Action != Proto.PlannedAction.NoChange))
        {
            var mark = change.Action switch
            {
                Proto.PlannedAction.Create => "+",
                Proto.PlannedAction.Update => "~",
                _ => "-",
            };
            writer.WriteLine($"  {mark} {change.Resource.Kind}/{change.Resource.Name}");
        }

        writer.WriteLine($"plan: {plan.Summary}");
    }
}
