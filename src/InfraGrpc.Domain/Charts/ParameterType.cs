namespace InfraGrpc.Domain.Charts;

/// <summary>The declared type of a chart parameter (values.yaml <c>type:</c>).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The members are the type names users write in values.yaml.")]
public enum ParameterType
{
    String,
    Number,
    Bool,
    List,
    StringEnum,
    Object,
}
