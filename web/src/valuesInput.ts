import { create } from "@bufbuild/protobuf";
import type { Values } from "./components/ParamForm";
import { ValuesInputSchema } from "./gen/infragrpc/v1/chart_pb";

/** Form values as one values layer. */
export function valuesInput(values: Values) {
  return create(ValuesInputSchema, { layers: [values] });
}
