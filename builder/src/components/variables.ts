/** The template variables valid in the node being edited, for every text field inside its panel. */
import { createContext, useContext } from 'react';
import type { Variable } from '../model/scope';

export const VariablesContext = createContext<Variable[]>([]);

export function useVariables(): Variable[] {
  return useContext(VariablesContext);
}
