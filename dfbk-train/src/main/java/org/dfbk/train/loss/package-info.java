/** The x_0-regression losses of the diffusion model: weighted (Eq. 4) and plain mse. */
package org.dfbk.train.loss;
